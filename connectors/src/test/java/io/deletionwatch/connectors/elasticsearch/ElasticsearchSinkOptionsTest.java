package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElasticsearchSinkOptionsTest {
    private static final String API_KEY =
            "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
    private static final String PASSWORD = "s3cr3t-Pa55";

    @Test
    void defaultsWriteToTheFindingsAndDeadLetterDataStreams() {
        ElasticsearchSinkOptions options =
                ElasticsearchSinkOptions.builder().hosts("http://127.0.0.1:9200").build();

        assertThat(options.hosts()).containsExactly(URI.create("http://127.0.0.1:9200"));
        assertThat(options.dataStream()).isEqualTo("logs-deletion_watch.findings-default");
        assertThat(options.deadLetterDataStream())
                .isEqualTo("logs-deletion_watch.deadletter-default");
        assertThat(options.credentials()).isEqualTo(new Credentials.None());
        assertThat(options.caCertificateFile()).isNull();
        assertThat(options.maxActions()).isEqualTo(500);
        assertThat(options.maxBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(options.maxInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(options.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.installTemplates()).isTrue();
        assertThat(options.pathPrefix()).isEmpty();
    }

    @Test
    void theEnvironmentGivesTheUrlsTheCaFileAndAnApiKeyReference() {
        ElasticsearchSinkOptions options =
                ElasticsearchSinkOptions.fromEnvironment(
                                Map.of(
                                        "ES_URL",
                                                "https://a.example.com:9243, https://b.example.com",
                                        "ES_CA_CERT", "/etc/deletion-watch/ca.pem",
                                        "ES_API_KEY", API_KEY))
                        .build();

        assertThat(options.hosts())
                .containsExactly(
                        URI.create("https://a.example.com:9243"),
                        URI.create("https://b.example.com"));
        assertThat(options.caCertificateFile()).isEqualTo("/etc/deletion-watch/ca.pem");
        assertThat(options.credentials())
                .isEqualTo(new Credentials.ApiKey(Secret.environment("ES_API_KEY")));
    }

    @Test
    void theEnvironmentGivesBasicCredentialsWithThePasswordByReference() {
        Credentials credentials =
                Credentials.fromEnvironment(
                        Map.of("ES_USERNAME", "ingest", "ES_PASSWORD", PASSWORD));

        assertThat(credentials)
                .isEqualTo(new Credentials.Basic("ingest", Secret.environment("ES_PASSWORD")));
    }

    @Test
    void secretsCanComeFromFilesNamedInTheEnvironment() {
        assertThat(Credentials.fromEnvironment(Map.of("ES_API_KEY_FILE", "/run/secrets/es-key")))
                .isEqualTo(new Credentials.ApiKey(Secret.file("/run/secrets/es-key")));
        assertThat(
                        Credentials.fromEnvironment(
                                Map.of(
                                        "ES_USERNAME",
                                        "ingest",
                                        "ES_PASSWORD_FILE",
                                        "/run/secrets/pw")))
                .isEqualTo(new Credentials.Basic("ingest", Secret.file("/run/secrets/pw")));
    }

    @Test
    void noCredentialVariablesMeanNoAuthentication() {
        assertThat(Credentials.fromEnvironment(Map.of("ES_URL", "http://localhost:9200")))
                .isEqualTo(new Credentials.None());
    }

    @Test
    void contradictoryCredentialVariablesAreRefused() {
        assertThatThrownBy(
                        () ->
                                Credentials.fromEnvironment(
                                        Map.of("ES_API_KEY", API_KEY, "ES_USERNAME", "ingest")))
                .hasMessageContaining("either an API key")
                .hasMessageNotContaining(API_KEY);
        assertThatThrownBy(() -> Credentials.fromEnvironment(Map.of("ES_USERNAME", "ingest")))
                .hasMessage("ES_USERNAME is set but neither ES_PASSWORD nor ES_PASSWORD_FILE");
        assertThatThrownBy(() -> Credentials.fromEnvironment(Map.of("ES_PASSWORD", PASSWORD)))
                .hasMessage("a password is set but ES_USERNAME is not");
        assertThatThrownBy(
                        () ->
                                Credentials.fromEnvironment(
                                        Map.of("ES_API_KEY", API_KEY, "ES_API_KEY_FILE", "/k")))
                .hasMessage("set ES_API_KEY or ES_API_KEY_FILE, not both");
    }

    @Test
    void toStringNamesWhereSecretsComeFromButNeverTheirValues() {
        Map<String, String> environment =
                Map.of(
                        "ES_URL", "https://es.example.com",
                        "ES_USERNAME", "ingest",
                        "ES_PASSWORD", PASSWORD);
        ElasticsearchSinkOptions basic =
                ElasticsearchSinkOptions.fromEnvironment(environment).build();
        ElasticsearchSinkOptions apiKey =
                ElasticsearchSinkOptions.fromEnvironment(
                                Map.of("ES_URL", "https://es.example.com", "ES_API_KEY", API_KEY))
                        .build();

        assertThat(basic.toString())
                .contains("Basic[username=ingest, password=env:ES_PASSWORD]")
                .doesNotContain(PASSWORD);
        assertThat(apiKey.toString())
                .contains("ApiKey[key=env:ES_API_KEY]")
                .doesNotContain(API_KEY);
        assertThat(
                        ElasticsearchSink.<String>builder()
                                .options(apiKey)
                                .converter(s -> null)
                                .build()
                                .toString())
                .doesNotContain(API_KEY);
    }

    @Test
    void optionsSurviveJavaSerializationAsTheJobGraphNeeds() throws Exception {
        ElasticsearchSinkOptions options =
                ElasticsearchSinkOptions.fromEnvironment(
                                Map.of(
                                        "ES_URL", "https://es.example.com",
                                        "ES_CA_CERT", "/ca.pem",
                                        "ES_USERNAME", "ingest",
                                        "ES_PASSWORD", PASSWORD))
                        .maxActions(7)
                        .build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(options);
        }
        Object copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = in.readObject();
        }

        assertThat(copy).isEqualTo(options);
        assertThat(new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:9200", "ftp://es.example.com", "es.example.com", "http://"})
    void aMalformedUrlIsRefusedWithTheUrlInTheMessage(String url) {
        assertThatThrownBy(() -> ElasticsearchSinkOptions.builder().hosts(url).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed Elasticsearch URL");
    }

    @Test
    void aUrlWithSpacesIsRefusedAsMalformed() {
        assertThatThrownBy(() -> ElasticsearchSinkOptions.builder().hosts("http://es host:9200"))
                .hasMessageStartingWith("malformed Elasticsearch URL 'http://es host:9200'");
    }

    @Test
    void aUrlCarryingCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.builder()
                                        .hosts("https://elastic:" + PASSWORD + "@es.example.com"))
                .hasMessageContaining("must not carry credentials")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void noUrlAtAllIsRefused() {
        assertThatThrownBy(() -> ElasticsearchSinkOptions.builder().build())
                .hasMessage("at least one Elasticsearch URL is required");
    }

    @Test
    void aPathPrefixBehindAProxyIsKept() {
        ElasticsearchSinkOptions options =
                ElasticsearchSinkOptions.builder().hosts("https://proxy.example.com/es/").build();

        assertThat(options.pathPrefix()).isEqualTo("/es");
    }

    @Test
    void endpointsWithDifferentPathPrefixesAreRefused() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.builder()
                                        .hosts("https://a.example.com/es,https://b.example.com")
                                        .build())
                .hasMessageStartingWith("all Elasticsearch URLs must have the same path prefix");
    }

    @Test
    void aCaCertificateNeedsAnHttpsUrl() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.builder()
                                        .hosts("http://es.example.com:9200")
                                        .caCertificateFile("/ca.pem")
                                        .build())
                .hasMessageStartingWith("a CA certificate only applies to https URLs");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Logs-deletion_watch.findings-default",
                "_logs",
                "logs deletion",
                "logs-*",
                "logs/findings",
                ""
            })
    void invalidDataStreamNamesAreRefused(String name) {
        assertThatThrownBy(() -> builder().dataStream(name).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dataStream must");
    }

    @Test
    void sizesAndWaitsAreValidated() {
        assertThatThrownBy(() -> builder().maxActions(0).build())
                .hasMessage("maxActions must be at least 1, got 0");
        assertThatThrownBy(() -> builder().maxBytes(0).build())
                .hasMessage("maxBytes must be at least 1, got 0");
        assertThatThrownBy(() -> builder().maxInterval(Duration.ofSeconds(-1)).build())
                .hasMessage("maxInterval must not be negative, got PT-1S");
        assertThatThrownBy(() -> builder().initialBackoff(Duration.ZERO).build())
                .hasMessage("initialBackoff must be positive, got PT0S");
        assertThatThrownBy(
                        () ->
                                builder()
                                        .initialBackoff(Duration.ofSeconds(2))
                                        .maxBackoff(Duration.ofSeconds(1))
                                        .build())
                .hasMessage("maxBackoff (PT1S) must not be shorter than initialBackoff (PT2S)");
        assertThat(builder().maxInterval(Duration.ZERO).build().maxInterval()).isZero();
    }

    @Test
    void toBuilderCopiesEveryOption() {
        ElasticsearchSinkOptions options =
                builder()
                        .hosts(List.of(URI.create("https://es.example.com")))
                        .dataStream("logs-deletion_watch.findings-prod")
                        .deadLetterDataStream("logs-deletion_watch.deadletter-prod")
                        .credentials(new Credentials.ApiKey(Secret.file("/k")))
                        .caCertificateFile("/ca.pem")
                        .maxActions(10)
                        .maxBytes(1000)
                        .maxInterval(Duration.ofMillis(10))
                        .initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2))
                        .installTemplates(false)
                        .build();

        assertThat(options.toBuilder().build()).isEqualTo(options);
    }

    private static ElasticsearchSinkOptions.Builder builder() {
        return ElasticsearchSinkOptions.builder().hosts("http://127.0.0.1:9200");
    }
}
