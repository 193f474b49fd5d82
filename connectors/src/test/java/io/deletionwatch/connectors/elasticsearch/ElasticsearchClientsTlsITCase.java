package io.deletionwatch.connectors.elasticsearch;

import static io.deletionwatch.connectors.elasticsearch.SampleFindings.findings;
import static io.deletionwatch.connectors.elasticsearch.SampleFindings.sentById;
import static io.deletionwatch.connectors.elasticsearch.SampleFindings.storedById;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import io.deletionwatch.connectors.localstack.TlsAuthProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and authentication for real: the sink and the client against a secured endpoint, the JDK's HTTPS server with
 * a self-signed certificate checking Elasticsearch's two credential types in front of a real node
 * (the node has no security module: it is not on Maven Central). What works is the whole sink in a
 * Flink job; what fails must fail at once, with one line saying what to fix, never be retried.
 */
class ElasticsearchClientsTlsITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final String PASSWORD = "pw-7Hq2-correct-horse";
    private static final String API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";

    @TempDir static Path dir;
    private static TlsAuthProxy proxy;

    @BeforeAll
    static void startProxy() throws IOException {
        proxy = TlsAuthProxy.start(ES.url(), PASSWORD, API_KEY);
    }

    @AfterAll
    static void stopProxy() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theSinkWritesThroughTlsWithTheCaFileAndBasicAuthentication() throws Exception {
        Path password = Files.writeString(dir.resolve("es-password"), PASSWORD + "\n");
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        ElasticsearchSinkOptions options =
                options(namespace)
                        .credentials(
                                new Credentials.Basic(
                                        TlsAuthProxy.USER, Secret.file(password.toString())))
                        .build();
        List<IndexedDocument> documents = findings(12);

        run(documents, options);

        assertThat(storedById(ES.all(options.dataStream()))).isEqualTo(sentById(documents));
        assertThat(ES.count(options.deadLetterDataStream())).isZero();
    }

    @Test
    void theSinkWritesThroughTlsWithTheCaFileAndAnApiKey() throws Exception {
        Path apiKey = Files.writeString(dir.resolve("es-api-key"), API_KEY);
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        ElasticsearchSinkOptions options =
                options(namespace)
                        .credentials(new Credentials.ApiKey(Secret.file(apiKey.toString())))
                        .build();
        List<IndexedDocument> documents = findings(7);

        run(documents, options);

        assertThat(storedById(ES.all(options.dataStream()))).isEqualTo(sentById(documents));
    }

    @Test
    void aWrongPasswordFailsTheSinkAtOnceWithOneLineNamingTheCredentials() throws Exception {
        Path password = Files.writeString(dir.resolve("wrong-password"), "not-" + PASSWORD);
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        ElasticsearchSinkOptions options =
                options(namespace)
                        .credentials(
                                new Credentials.Basic(
                                        TlsAuthProxy.USER, Secret.file(password.toString())))
                        .build();

        String failure = catchJobFailure(findings(3), options);

        assertThat(failure)
                .isEqualTo(
                        "cannot install the index templates: Elasticsearch at ["
                                + proxy.url()
                                + "] refused the credentials (user "
                                + TlsAuthProxy.USER
                                + ", password from file:"
                                + password
                                + "): status 401: security_exception: "
                                + TlsAuthProxy.UNAUTHENTICATED);
        assertThat(ES.count(options.dataStream())).isZero();
    }

    @Test
    void anUntrustedCertificateFailsTheSinkAtOnceInsteadOfRetrying() throws Exception {
        Path unrelated = TlsAuthProxy.unrelatedCaFile(dir);
        Path apiKey = Files.writeString(dir.resolve("es-api-key-2"), API_KEY);
        ElasticsearchSinkOptions options =
                options(ElasticsearchNodeExtension.uniqueNamespace())
                        .caCertificateFile(unrelated.toString())
                        .credentials(new Credentials.ApiKey(Secret.file(apiKey.toString())))
                        .build();

        String failure = catchJobFailure(findings(3), options);

        // Both certificates are for CN=localhost: the check finds the wrong one's signature bad.
        assertThat(failure)
                .isEqualTo(
                        "cannot install the index templates: the TLS certificate of Elasticsearch"
                                + " at ["
                                + proxy.url()
                                + "] is not trusted (SignatureException: Signature does not"
                                + " match.); the CA file "
                                + unrelated
                                + " did not sign it");
    }

    @Test
    void theConnectionCheckAcceptsBothCredentialTypes() throws Exception {
        assertThat(
                        ElasticsearchClients.checkConnection(
                                options("any").credentials(apiKey()).build(),
                                Map.of("ES_API_KEY", API_KEY)))
                .isEmpty();
        assertThat(
                        ElasticsearchClients.checkConnection(
                                options("any").credentials(basic()).build(),
                                Map.of("ES_PASSWORD", PASSWORD)))
                .isEmpty();
    }

    @Test
    void theConnectionCheckNamesWhatToFixForEachWrongCredential() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchClients.checkConnection(
                                        options("any").credentials(apiKey()).build(),
                                        Map.of("ES_API_KEY", "d3Jvbmc6a2V5")))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Elasticsearch at ["
                                + proxy.url()
                                + "] refused the credentials (the API key from env:ES_API_KEY):"
                                + " status 401: security_exception: "
                                + TlsAuthProxy.UNAUTHENTICATED);
        assertThatThrownBy(
                        () ->
                                ElasticsearchClients.checkConnection(
                                        options("any").credentials(basic()).build(),
                                        Map.of("ES_PASSWORD", PASSWORD + "x")))
                .hasMessage(
                        "Elasticsearch at ["
                                + proxy.url()
                                + "] refused the credentials (user "
                                + TlsAuthProxy.USER
                                + ", password from env:ES_PASSWORD): status 401:"
                                + " security_exception: "
                                + TlsAuthProxy.UNAUTHENTICATED);
        assertThatThrownBy(
                        () ->
                                ElasticsearchClients.checkConnection(
                                        options("any").build(), Map.of()))
                .hasMessage(
                        "Elasticsearch at ["
                                + proxy.url()
                                + "] refused the credentials (none were given: set ES_API_KEY or"
                                + " ES_USERNAME and ES_PASSWORD): status 401: security_exception: "
                                + TlsAuthProxy.UNAUTHENTICATED);
    }

    @Test
    void withoutTheCaFileTheSelfSignedCertificateIsNotTrusted() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchClients.checkConnection(
                                        ElasticsearchSinkOptions.builder()
                                                .hosts(proxy.url())
                                                .credentials(apiKey())
                                                .build(),
                                        Map.of("ES_API_KEY", API_KEY)))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "the TLS certificate of Elasticsearch at ["
                                + proxy.url()
                                + "] is not trusted (SunCertPathBuilderException: unable to find"
                                + " valid certification path to requested target); give the CA"
                                + " that signed it with --es-ca-file or ES_CA_CERT");
    }

    @Test
    void aCertificateForAnotherHostNameIsRefused() throws Exception {
        try (TlsAuthProxy elsewhere =
                TlsAuthProxy.start(ES.url(), PASSWORD, API_KEY, "dns:es.elsewhere.example")) {
            assertThatThrownBy(
                            () ->
                                    ElasticsearchClients.checkConnection(
                                            ElasticsearchSinkOptions.builder()
                                                    .hosts(elsewhere.url())
                                                    .caCertificateFile(
                                                            elsewhere.caFile().toString())
                                                    .credentials(apiKey())
                                                    .build(),
                                            Map.of("ES_API_KEY", API_KEY)))
                    .isInstanceOf(IOException.class)
                    .hasMessage(
                            "the TLS certificate of Elasticsearch at ["
                                    + elsewhere.url()
                                    + "] is not valid for that host name (Certificate for"
                                    + " <127.0.0.1> doesn't match any of the subject alternative"
                                    + " names: []); use a URL with a name the"
                                    + " certificate holds");
        }
    }

    @Test
    void anUnreachableClusterIsNoErrorForTheConnectionCheck() throws Exception {
        int closed = io.deletionwatch.connectors.localstack.ElasticsearchNode.freePort();
        assertThat(
                        ElasticsearchClients.checkConnection(
                                ElasticsearchSinkOptions.builder()
                                        .hosts("http://127.0.0.1:" + closed)
                                        .build(),
                                Map.of()))
                .hasValueSatisfying(
                        why ->
                                assertThat(why)
                                        .startsWith(
                                                "Elasticsearch at [http://127.0.0.1:"
                                                        + closed
                                                        + "]: HttpHostConnectException: Connect to"
                                                        + " http://127.0.0.1:"
                                                        + closed));
    }

    private static Credentials apiKey() {
        return new Credentials.ApiKey(Secret.environment("ES_API_KEY"));
    }

    private static Credentials basic() {
        return new Credentials.Basic(TlsAuthProxy.USER, Secret.environment("ES_PASSWORD"));
    }

    private static ElasticsearchSinkOptions.Builder options(String namespace) {
        return ElasticsearchSinkOptions.builder()
                .hosts(proxy.url())
                .caCertificateFile(proxy.caFile().toString())
                .dataStream("logs-deletion_watch.findings-" + namespace)
                .deadLetterDataStream("logs-deletion_watch.deadletter-" + namespace);
    }

    private static void run(List<IndexedDocument> documents, ElasticsearchSinkOptions options)
            throws Exception {
        environment(documents, options).execute();
    }

    /**
     * The message of the sink's own exception that failed the job (no restarts: checkpointing is
     * off); it may arrive serialized, with its class name in front, so it is found by its message.
     */
    private static String catchJobFailure(
            List<IndexedDocument> documents, ElasticsearchSinkOptions options) {
        Throwable failure =
                org.assertj.core.api.Assertions.catchThrowable(
                        () -> environment(documents, options).execute());
        assertThat(failure).as("the job should have failed").isNotNull();
        return ExceptionUtils.findThrowableWithMessage(failure, "cannot install the index templates")
                .orElseThrow(() -> new AssertionError("not the sink's failure: " + failure, failure))
                .getMessage()
                .replaceFirst("^java\\.io\\.IOException: ", "");
    }

    private static StreamExecutionEnvironment environment(
            List<IndexedDocument> documents, ElasticsearchSinkOptions options) {
        return SinkJob.environment(documents, options, 1);
    }
}
