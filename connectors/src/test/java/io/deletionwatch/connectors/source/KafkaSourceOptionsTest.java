package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.source.KafkaSourceOptions.Security;
import io.deletionwatch.connectors.source.KafkaSourceOptions.StartingOffsets;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

class KafkaSourceOptionsTest {

    @Test
    void defaultsToEventHubsAndCommittedElseEarliest() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder().topic("insights-activity-logs").groupId("dw").build();

        assertThat(options)
                .isEqualTo(
                        new KafkaSourceOptions(
                                null,
                                "insights-activity-logs",
                                null,
                                "dw",
                                StartingOffsets.COMMITTED_ELSE_EARLIEST,
                                Security.EVENTHUBS,
                                null,
                                Map.of()));
    }

    @Test
    void rejectsBothATopicAndAPattern() {
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .topic("insights-activity-logs")
                                        .topicPattern("insights-.*")
                                        .groupId("dw")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "give either a topic or a topic pattern, not both (topic"
                                + " 'insights-activity-logs', pattern 'insights-.*')");
    }

    @Test
    void treatsABlankTopicAsNone() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic(" ")
                        .topicPattern("insights-.*")
                        .groupId("dw")
                        .build();

        assertThat(options.topic()).isNull();
        assertThat(options.topicPattern()).isEqualTo("insights-.*");
    }

    @Test
    void rejectsAPatternThatIsNoRegularExpression() {
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .topicPattern("insights-(")
                                        .groupId("dw")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the topic pattern is not a regular expression: ");
    }

    @Test
    void requiresAGroupId() {
        assertThatThrownBy(() -> KafkaSourceOptions.builder().topic("t").groupId(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a consumer group id is required: offsets are committed to it");
    }

    @Test
    void requiresBootstrapServersWithoutEventHubs() {
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .security(Security.NONE)
                                        .topic("t")
                                        .groupId("dw")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrap servers are required with security 'none'");
    }

    @Test
    void rejectsATruststoreWithoutTls() {
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .security(Security.NONE)
                                        .bootstrapServers("127.0.0.1:9092")
                                        .topic("t")
                                        .groupId("dw")
                                        .truststore(Path.of("ca.p12"), Secret.environment("KAFKA_TRUSTSTORE_PASSWORD"))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "a truststore is only used with security 'eventhubs' (TLS); 'none' is"
                                + " plaintext");
    }

    @Test
    void rejectsBootstrapServersThatAreNotHostAndPort() {
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .bootstrapServers("localhost:9092,kafka")
                                        .topic("t")
                                        .groupId("dw")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "bootstrap servers must be host:port[,host:port...], got"
                                + " 'localhost:9092,kafka'");
    }

    @Test
    void neverEchoesAConnectionStringGivenAsBootstrapServers() {
        String misplaced = "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey=secret123=";

        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .bootstrapServers(misplaced)
                                        .topic("t")
                                        .groupId("dw")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "bootstrap servers must be host:port[,host:port...], got a value with ';'"
                                + " or '=' (a connection string belongs in"
                                + " EVENTHUBS_CONNECTION_STRING)");
    }

    @Test
    void acceptsSeveralBootstrapServers() {
        assertThat(
                        KafkaSourceOptions.builder()
                                .bootstrapServers(" kafka-1:9092, 10.0.0.2:9093 ")
                                .topic("t")
                                .groupId("dw")
                                .build()
                                .bootstrapServers())
                .isEqualTo("kafka-1:9092, 10.0.0.2:9093");
    }

    @Test
    void refusesPropertiesTheOptionsOwnAndPointsTheJaasConfigToTheEnvironment() {
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .topic("t")
                                        .groupId("dw")
                                        .property("sasl.jaas.config", "x")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Kafka property 'sasl.jaas.config' is managed by the source (bootstrap"
                                + " servers, group id, starting offsets, security, truststore,"
                                + " offset commits on checkpoints) and cannot be set; the Event"
                                + " Hubs connection string comes from EVENTHUBS_CONNECTION_STRING"
                                + " or a file");
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .topic("t")
                                        .groupId("dw")
                                        .property("commit.offsets.on.checkpoint", "false")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Kafka property 'commit.offsets.on.checkpoint' is managed by the source"
                                + " (bootstrap servers, group id, starting offsets, security,"
                                + " truststore, offset commits on checkpoints) and cannot be set");
        for (String owned : KafkaSourceOptions.MANAGED_PROPERTIES) {
            assertThatThrownBy(
                            () ->
                                    KafkaSourceOptions.builder()
                                            .topic("t")
                                            .groupId("dw")
                                            .property(owned, "x")
                                            .build())
                    .as(owned)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(
                        () ->
                                KafkaSourceOptions.builder()
                                        .topic("t")
                                        .groupId("dw")
                                        .property("config.providers.deletionwatch.class", "x")
                                        .build())
                .hasMessageStartingWith(
                        "Kafka property 'config.providers.deletionwatch.class' is managed by the"
                                + " source");
    }

    @Test
    void propertiesAreCopiedAndImmutable() {
        Map<String, String> given = new java.util.HashMap<>(Map.of("fetch.min.bytes", "1"));
        KafkaSourceOptions options =
                new KafkaSourceOptions(
                        null,
                        "t",
                        null,
                        "dw",
                        StartingOffsets.EARLIEST,
                        Security.EVENTHUBS,
                        null,
                        given);
        given.put("fetch.max.wait.ms", "10");

        assertThat(options.properties()).containsExactly(Map.entry("fetch.min.bytes", "1"));
        assertThatThrownBy(() -> options.properties().put("a", "b"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parsesStartingOffsetsAndSecurityByTheirIds() {
        assertThat(StartingOffsets.parse("committed-else-earliest"))
                .isEqualTo(StartingOffsets.COMMITTED_ELSE_EARLIEST);
        assertThat(StartingOffsets.parse("Committed-Else-Latest"))
                .isEqualTo(StartingOffsets.COMMITTED_ELSE_LATEST);
        assertThat(StartingOffsets.parse(" earliest ")).isEqualTo(StartingOffsets.EARLIEST);
        assertThat(StartingOffsets.parse("latest")).isEqualTo(StartingOffsets.LATEST);
        assertThat(Security.parse("none")).isEqualTo(Security.NONE);
        assertThat(Security.parse("EventHubs")).isEqualTo(Security.EVENTHUBS);
    }

    @Test
    void unknownIdsListTheKnownOnes() {
        assertThatThrownBy(() -> StartingOffsets.parse("committed"))
                .hasMessage(
                        "unknown starting offsets 'committed'; one of committed-else-earliest,"
                                + " committed-else-latest, earliest, latest");
        assertThatThrownBy(() -> Security.parse("sasl"))
                .hasMessage("unknown security 'sasl'; one of none, eventhubs");
    }

    @Test
    void toStringNamesWhereTheTruststorePasswordIsAndRedactsSecretLookingProperties() {
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("t")
                        .groupId("dw")
                        .truststore(Path.of("/etc/ca.p12"), Secret.environment("KAFKA_TRUSTSTORE_PASSWORD"))
                        .property("ssl.key.password", "hunter2")
                        .property("fetch.min.bytes", "1")
                        .build();

        assertThat(options)
                .hasToString(
                        "KafkaSourceOptions[bootstrapServers=null, topic=t, topicPattern=null,"
                                + " groupId=dw, startingOffsets=committed-else-earliest,"
                                + " security=eventhubs, truststore=Truststore[path=/etc/ca.p12,"
                                + " password=env:KAFKA_TRUSTSTORE_PASSWORD], properties={fetch.min.bytes=1,"
                                + " ssl.key.password=<redacted>}]");
    }
}
