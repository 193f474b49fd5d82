package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and authentication of the client against an https endpoint with a self-signed certificate.
 * The local Elasticsearch node cannot serve TLS (security is not on Maven Central), so a JDK https
 * server answers the ping; what is checked is ours: trust from the CA file and the header sent.
 */
class ElasticsearchClientsTlsITCase {
    private static final String PASSWORD = "changeit";

    @TempDir Path dir;
    private HttpsServer server;
    private final BlockingQueue<List<String>> authorizations = new LinkedBlockingQueue<>();
    private Path caFile;

    @BeforeEach
    void startHttpsServer() throws Exception {
        Path keyStore = dir.resolve("server.p12");
        caFile = dir.resolve("ca.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "es",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "es",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                caFile.toString());

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext(
                "/",
                exchange -> {
                    authorizations.add(
                            exchange.getRequestHeaders().getOrDefault("Authorization", List.of()));
                    // The Java client refuses answers that do not name the product.
                    exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stopHttpsServer() {
        server.stop(0);
    }

    @Test
    void theClientTrustsTheCaFileAndSendsTheApiKey() throws Exception {
        ElasticsearchClient client =
                ElasticsearchClients.create(
                        options()
                                .credentials(
                                        new Credentials.ApiKey(Secret.environment("ES_API_KEY")))
                                .caCertificateFile(caFile.toString())
                                .build(),
                        Map.of("ES_API_KEY", "a2V5OnNlY3JldA=="));
        try {
            assertThat(client.ping().value()).isTrue();
        } finally {
            ElasticsearchClients.close(client);
        }

        assertThat(authorizations.poll(10, TimeUnit.SECONDS))
                .containsExactly("ApiKey a2V5OnNlY3JldA==");
    }

    @Test
    void withoutTheCaFileTheSelfSignedServerIsNotTrusted() throws Exception {
        ElasticsearchClient client = ElasticsearchClients.create(options().build(), Map.of());
        try {
            assertThatThrownBy(() -> client.ping())
                    .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
        } finally {
            ElasticsearchClients.close(client);
        }
        assertThat(authorizations).isEmpty();
    }

    private ElasticsearchSinkOptions.Builder options() {
        return ElasticsearchSinkOptions.builder()
                .hosts("https://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "keytool")
                                        .toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
