package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.source.KafkaSourceOptions.Security;
import io.deletionwatch.connectors.source.KafkaSourceOptions.StartingOffsets;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

class EventHubsSourceTest {
    private static final String NAMESPACE =
            "Endpoint=sb://contoso-logs.servicebus.windows.net/;SharedAccessKeyName=listen;"
                    + "SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    private static final EventHubsConnectionString CONNECTION_STRING =
            EventHubsConnectionString.parse(NAMESPACE);
    private static final EventHubsConnectionString EVENT_HUB_CONNECTION_STRING =
            EventHubsConnectionString.parse(NAMESPACE + ";EntityPath=insights-activity-logs");

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
                                Map.entry(
                                        "sasl.jaas.config",
                                        "org.apache.kafka.common.security.plain.PlainLoginModule"
                                                + " required username=\"$ConnectionString\""
                                                + " password=\""
                                                + NAMESPACE
                                                + "\";"),
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
    void aTruststoreIsPassedAsPkcs12() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("t")
                        .groupId("dw")
                        .truststore(Path.of("/etc/deletion-watch/ca.p12"), "changeit")
                        .build();

        assertThat(properties(options, CONNECTION_STRING))
                .containsEntry("ssl.truststore.location", "/etc/deletion-watch/ca.p12")
                .containsEntry("ssl.truststore.password", "changeit")
                .containsEntry("ssl.truststore.type", "PKCS12");
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
