package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchClientsTest {
    @TempDir Path dir;

    @Test
    void anApiKeyIsSentAsAnApiKeyAuthorizationHeaderMarkedSensitive() throws IOException {
        Header header =
                ElasticsearchClients.authorization(
                        new Credentials.ApiKey(Secret.environment("ES_API_KEY")),
                        Map.of("ES_API_KEY", "a2V5OnNlY3JldA=="));

        assertThat(header.getName()).isEqualTo("Authorization");
        assertThat(header.getValue()).isEqualTo("ApiKey a2V5OnNlY3JldA==");
        assertThat(header.isSensitive()).isTrue();
    }

    @Test
    void aUserAndPasswordAreSentAsBasicAuthentication() throws IOException {
        Header header =
                ElasticsearchClients.authorization(
                        new Credentials.Basic("ingest", Secret.environment("ES_PASSWORD")),
                        Map.of("ES_PASSWORD", "pässword"));

        assertThat(header.getValue())
                .isEqualTo(
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                "ingest:pässword"
                                                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(header.isSensitive()).isTrue();
    }

    @Test
    void noCredentialsSendNoHeader() throws IOException {
        assertThat(ElasticsearchClients.authorization(new Credentials.None(), Map.of())).isNull();
    }

    @Test
    void aSecretMissingOnTheTaskManagerFailsClientCreationNamingTheVariable() {
        ElasticsearchSinkOptions options =
                ElasticsearchSinkOptions.builder()
                        .hosts("https://es.example.com")
                        .credentials(new Credentials.ApiKey(Secret.environment("ES_API_KEY")))
                        .build();

        assertThatThrownBy(() -> ElasticsearchClients.create(options, Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("environment variable ES_API_KEY is not set in this process");
    }

    @Test
    void urlsWithoutAPortUseTheSchemesDefault() {
        assertThat(ElasticsearchClients.httpHost(URI.create("https://es.example.com")))
                .isEqualTo(new HttpHost("https", "es.example.com", 443));
        assertThat(ElasticsearchClients.httpHost(URI.create("http://es.example.com")))
                .isEqualTo(new HttpHost("http", "es.example.com", 80));
        assertThat(ElasticsearchClients.httpHost(URI.create("HTTP://127.0.0.1:9200")))
                .isEqualTo(new HttpHost("http", "127.0.0.1", 9200));
    }

    @Test
    void aPemCaFileBuildsATlsContext() throws Exception {
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, pem(someTrustedCertificate()), StandardCharsets.US_ASCII);

        assertThat(ElasticsearchClients.trusting(pem).getProtocol()).isEqualTo("TLS");
    }

    @Test
    void aMissingOrUnreadableCaFileIsReportedByName() throws IOException {
        Path missing = dir.resolve("missing.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");

        assertThatThrownBy(() -> ElasticsearchClients.trusting(missing))
                .hasMessage("CA certificate file " + missing + " does not exist");
        assertThatThrownBy(() -> ElasticsearchClients.trusting(garbage))
                .hasMessageStartingWith("CA certificate file " + garbage + " holds no");
    }

    /** Any CA certificate of the JDK's trust store, as a stand-in for a cluster's CA. */
    private static Certificate someTrustedCertificate() throws Exception {
        KeyStore cacerts = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in =
                Files.newInputStream(
                        Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            cacerts.load(in, null);
        }
        String alias = Collections.list(cacerts.aliases()).get(0);
        return cacerts.getCertificate(alias);
    }

    private static String pem(Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
