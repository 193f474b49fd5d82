package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.source.KafkaSourceOptions.Security;
import io.deletionwatch.connectors.source.KafkaSourceOptions.StartingOffsets;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import io.deletionwatch.connectors.elasticsearch.Secret;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

class EventHubsSourceTest {
    private static final String NAMESPACE =
            "Endpoint=sb://contoso-logs.servicebus.windows.net/;SharedAccessKeyName=listen;"
                    + "SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    private static final EventHubsConnectionString CONNECTION_STRING = fromEnvironment(NAMESPACE);
    private static final EventHubsConnectionString EVENT_HUB_CONNECTION_STRING =
            fromEnvironment(NAMESPACE + ";EntityPath=insights-activity-logs");
    private static final String JAAS_REFERENCE =
            "${deletionwatch:eventhubs-jaas:env:EVENTHUBS_CONNECTION_STRING}";

    @TempDir Path dir;

    @Test
    void eventHubsPropertiesAreWhatMicrosoftDocumentsForTheKafkaEndpoint() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder().topic("insights-activity-logs").groupId("dw").build();

        assertThat(properties(options, CONNECTION_STRING))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.ofEntries(
                                Map.entry(
                                        "bootstrap.servers",
                                        "contoso-logs.servicebus.windows.net:9093"),
                                Map.entry("group.id", "dw"),
                                Map.entry("security.protocol", "SASL_SSL"),
                                Map.entry("sasl.mechanism", "PLAIN"),
                                // Resolved by Kafka where the client is made, not carried.
                                Map.entry("sasl.jaas.config", JAAS_REFERENCE),
                                Map.entry("config.providers", "deletionwatch"),
                                Map.entry(
                                        "config.providers.deletionwatch.class",
                                        SecretConfigProvider.class.getName()),
                                Map.entry("metadata.max.age.ms", "180000"),
                                Map.entry("connections.max.idle.ms", "180000"),
                                Map.entry("session.timeout.ms", "30000"),
                                Map.entry("heartbeat.interval.ms", "3000"),
                                Map.entry("max.poll.interval.ms", "300000"),
                                Map.entry("commit.offsets.on.checkpoint", "true"),
                                Map.entry("partition.discovery.interval.ms", "300000")));
    }

    @Test
    void plainKafkaGetsNoEventHubsSettings() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .security(Security.NONE)
                        .bootstrapServers("127.0.0.1:9092")
                        .topic("t")
                        .groupId("dw")
                        .build();

        assertThat(properties(options, null))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "bootstrap.servers", "127.0.0.1:9092",
                                "group.id", "dw",
                                "security.protocol", "PLAINTEXT",
                                "commit.offsets.on.checkpoint", "true",
                                "partition.discovery.interval.ms", "300000"));
    }

    @Test
    void explicitBootstrapServersWinOverTheEndpoint() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .bootstrapServers("localhost:19093")
                        .topic("t")
                        .groupId("dw")
                        .build();

        assertThat(properties(options, CONNECTION_STRING))
                .containsEntry("bootstrap.servers", "localhost:19093");
    }

    @Test
    void aTruststoreIsPassedAsPkcs12WithAReferenceToItsPassword() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("t")
                        .groupId("dw")
                        .truststore(
                                Path.of("/etc/deletion-watch/ca.p12"),
                                Secret.file("/run/secrets/truststore-password"))
                        .build();

        assertThat(properties(options, CONNECTION_STRING))
                .containsEntry("ssl.truststore.location", "/etc/deletion-watch/ca.p12")
                .containsEntry(
                        "ssl.truststore.password",
                        "${deletionwatch:value:file:/run/secrets/truststore-password}")
                .containsEntry("ssl.truststore.type", "PKCS12");
    }

    @Test
    void aTruststoreWithoutPasswordIsUsedWithoutOne() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("t")
                        .groupId("dw")
                        .truststore(Path.of("/etc/deletion-watch/ca.p12"), null)
                        .build();

        assertThat(properties(options, CONNECTION_STRING))
                .containsEntry("ssl.truststore.location", "/etc/deletion-watch/ca.p12")
                .doesNotContainKey("ssl.truststore.password");
    }

    @Test
    void aConnectionStringFileIsReferencedByItsAbsolutePath() throws Exception {
        Path file = Files.writeString(dir.resolve("eventhubs"), NAMESPACE + "\n");
        KafkaSourceOptions options = KafkaSourceOptions.builder().topic("t").groupId("dw").build();

        assertThat(properties(options, EventHubsConnectionString.fromFile(file)))
                .containsEntry(
                        "sasl.jaas.config",
                        "${deletionwatch:eventhubs-jaas:file:" + file.toAbsolutePath() + "}");
    }

    @Test
    void aConnectionStringThatWasNotReadFromTheEnvironmentOrAFileIsRefused() {
        KafkaSourceOptions options = KafkaSourceOptions.builder().topic("t").groupId("dw").build();

        assertThatThrownBy(
                        () ->
                                EventHubsSource.create(
                                        options, EventHubsConnectionString.parse(NAMESPACE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the Event Hubs connection string must be read from"
                                + " EVENTHUBS_CONNECTION_STRING or a file, where the JobManager"
                                + " and the TaskManagers read it again; the job never carries it");
    }

    @Test
    void theUsersOwnConfigProvidersAreKept() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("t")
                        .groupId("dw")
                        .property("config.providers", "vault")
                        .property("config.providers.vault.class", "com.example.VaultProvider")
                        .build();

        assertThat(properties(options, CONNECTION_STRING))
                .containsEntry("config.providers", "vault,deletionwatch")
                .containsEntry("config.providers.vault.class", "com.example.VaultProvider")
                .containsEntry(
                        "config.providers.deletionwatch.class",
                        SecretConfigProvider.class.getName());
    }

    /**
     * The source is Java-serialized into the job graph, which goes to every TaskManager and into
     * the HA storage: neither the connection string, nor its key, nor the truststore password may
     * be in those bytes. The references are, which shows the scan sees the properties.
     */
    @Test
    void theSerializedSourceHoldsReferencesButNoSecret() throws Exception {
        String truststorePassword = "Tru5tst0re-pa55word-7f3a";
        Path passwordFile = Files.writeString(dir.resolve("truststore-password"), truststorePassword);
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("insights-activity-logs")
                        .groupId("dw")
                        .truststore(
                                Path.of("/etc/ca.p12"), Secret.file(passwordFile.toString()))
                        .build();

        for (EventHubsConnectionString connectionString :
                List.of(
                        CONNECTION_STRING,
                        EventHubsConnectionString.fromFile(
                                Files.writeString(dir.resolve("eventhubs"), NAMESPACE)))) {
            String bytes =
                    new String(
                            InstantiationUtil.serializeObject(
                                    EventHubsSource.create(options, connectionString)),
                            StandardCharsets.ISO_8859_1);

            assertThat(bytes)
                    .contains("${deletionwatch:eventhubs-jaas:" + connectionString.origin().orElseThrow())
                    .contains("${deletionwatch:value:file:" + passwordFile)
                    .contains("contoso-logs.servicebus.windows.net:9093")
                    .doesNotContain(NAMESPACE)
                    .doesNotContain(KEY)
                    .doesNotContain(truststorePassword);
        }
    }

    @Test
    void aJvmThatRestrictsKafkaConfigProvidersMustAllowOurs() {
        KafkaSourceOptions options = KafkaSourceOptions.builder().topic("t").groupId("dw").build();
        String property = "org.apache.kafka.automatic.config.providers";
        String before = System.getProperty(property);
        try {
            System.setProperty(
                    property, "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            assertThatThrownBy(() -> EventHubsSource.create(options, CONNECTION_STRING))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "the system property org.apache.kafka.automatic.config.providers does"
                                    + " not allow "
                                    + SecretConfigProvider.class.getName()
                                    + ", which reads the Kafka secrets where the job runs; add it"
                                    + " to the list, here and on the JobManager and TaskManagers");

            System.setProperty(
                    property,
                    "org.apache.kafka.common.config.provider.EnvVarConfigProvider, "
                            + SecretConfigProvider.class.getName());
            assertThat(properties(options, CONNECTION_STRING))
                    .containsEntry("sasl.jaas.config", JAAS_REFERENCE);
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Test
    void extraPropertiesOverrideTheRecommendationsAndTheDiscoveryInterval() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("t")
                        .groupId("dw")
                        .property("metadata.max.age.ms", "60000")
                        .property("partition.discovery.interval.ms", "60000")
                        .property("fetch.max.bytes", "1048576")
                        .build();

        assertThat(properties(options, CONNECTION_STRING))
                .containsEntry("metadata.max.age.ms", "60000")
                .containsEntry("partition.discovery.interval.ms", "60000")
                .containsEntry("fetch.max.bytes", "1048576");
    }

    @Test
    void eventHubsSecurityNeedsAConnectionString() {
        KafkaSourceOptions options = KafkaSourceOptions.builder().topic("t").groupId("dw").build();

        assertThatThrownBy(() -> EventHubsSource.create(options, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "security 'eventhubs' needs the Event Hubs connection string: set"
                                + " EVENTHUBS_CONNECTION_STRING or give a connection string file");
    }

    @Test
    void aMissingConnectionStringIsReportedBeforeAMissingTopic() {
        KafkaSourceOptions options = KafkaSourceOptions.builder().groupId("dw").build();

        assertThatThrownBy(() -> EventHubsSource.create(options, null))
                .hasMessageStartingWith(
                        "security 'eventhubs' needs the Event Hubs connection string");
    }

    @Test
    void aConnectionStringWithSecurityNoneIsAMistake() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .security(Security.NONE)
                        .bootstrapServers("127.0.0.1:9092")
                        .topic("t")
                        .groupId("dw")
                        .build();

        assertThatThrownBy(() -> EventHubsSource.create(options, CONNECTION_STRING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "an Event Hubs connection string was given but security is 'none';"
                                + " use security 'eventhubs' or drop the connection string");
    }

    @Test
    void neitherTopicNorPatternIsRejected() {
        KafkaSourceOptions options = KafkaSourceOptions.builder().groupId("dw").build();

        assertThatThrownBy(() -> EventHubsSource.create(options, CONNECTION_STRING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "give a topic (event hub) or a topic pattern to read, e.g."
                                + " insights-activity-logs");
    }

    @Test
    void anEventHubConnectionStringNamesTheTopicWhenNoneIsGiven() {
        KafkaSourceOptions options = KafkaSourceOptions.builder().groupId("dw").build();

        assertThat(EventHubsSource.topic(options, EVENT_HUB_CONNECTION_STRING))
                .isEqualTo("insights-activity-logs");
    }

    @Test
    void anEventHubConnectionStringAcceptsItsOwnTopicInAnyCase() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder().topic("Insights-Activity-Logs").groupId("dw").build();

        assertThat(EventHubsSource.topic(options, EVENT_HUB_CONNECTION_STRING))
                .isEqualTo("Insights-Activity-Logs");
    }

    @Test
    void anEventHubConnectionStringCannotReadAnotherTopic() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("insights-operational-logs")
                        .groupId("dw")
                        .build();

        assertThatThrownBy(() -> EventHubsSource.create(options, EVENT_HUB_CONNECTION_STRING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the connection string is scoped to event hub 'insights-activity-logs'"
                                + " (EntityPath) but the topic is 'insights-operational-logs'");
    }

    @Test
    void anEventHubConnectionStringCannotReadAPattern() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder().topicPattern("insights-.*").groupId("dw").build();

        assertThatThrownBy(() -> EventHubsSource.create(options, EVENT_HUB_CONNECTION_STRING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the connection string is scoped to event hub 'insights-activity-logs'"
                                + " (EntityPath) and cannot read a topic pattern; use a"
                                + " namespace-level connection string");
    }

    @Test
    void startingOffsetsMapToTheMatchingResetStrategy() {
        assertThat(resetStrategy(StartingOffsets.COMMITTED_ELSE_EARLIEST)).isEqualTo("EARLIEST");
        assertThat(resetStrategy(StartingOffsets.COMMITTED_ELSE_LATEST)).isEqualTo("LATEST");
        assertThat(resetStrategy(StartingOffsets.EARLIEST)).isEqualTo("EARLIEST");
        assertThat(resetStrategy(StartingOffsets.LATEST)).isEqualTo("LATEST");
        assertThat(EventHubsSource.startingOffsets(StartingOffsets.COMMITTED_ELSE_EARLIEST))
                .isNotEqualTo(EventHubsSource.startingOffsets(StartingOffsets.EARLIEST))
                .extracting(initializer -> initializer.getClass().getSimpleName())
                .isEqualTo("ReaderHandledOffsetsInitializer");
    }

    @Test
    void theSourceIsUnboundedByDefault() {
        KafkaSource<KafkaRecord> source =
                EventHubsSource.create(
                        KafkaSourceOptions.builder().topic("t").groupId("dw").build(),
                        CONNECTION_STRING);

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    }

    private static EventHubsConnectionString fromEnvironment(String connectionString) {
        return EventHubsConnectionString.fromEnvironment(
                        Map.of("EVENTHUBS_CONNECTION_STRING", connectionString))
                .orElseThrow();
    }

    private static String resetStrategy(StartingOffsets startingOffsets) {
        return EventHubsSource.startingOffsets(startingOffsets).getAutoOffsetResetStrategy().name();
    }

    private static Map<String, String> properties(
            KafkaSourceOptions options, EventHubsConnectionString connectionString) {
        Properties properties = EventHubsSource.consumerProperties(options, connectionString);
        Map<String, String> map = new HashMap<>();
        properties
                .stringPropertyNames()
                .forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}
