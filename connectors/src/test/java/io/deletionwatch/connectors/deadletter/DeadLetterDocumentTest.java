package io.deletionwatch.connectors.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where a dead letter says it came from: a Kafka position, or an Event Hubs position over AMQP. */
class DeadLetterDocumentTest {
    private static final DeadLetter KAFKA =
            new DeadLetter(Instant.parse("2026-03-01T10:00:00Z"), "invalid_json", "not JSON", "parse",
                    "insights-activity-logs", 1, 42L, "{\"records\": [".getBytes(StandardCharsets.UTF_8));

    @Test
    void aKafkaDeadLetterNamesTopicPartitionAndOffset() {
        JsonNode dl = DeadLetterDocument.toJson(KAFKA).at("/deletion_watch/dead_letter");

        assertThat(dl.path("topic").asText()).isEqualTo("insights-activity-logs");
        assertThat(dl.path("partition").asInt()).isEqualTo(1);
        assertThat(dl.path("offset").asLong()).isEqualTo(42L);
        assertThat(dl.has("sequence_number")).isFalse();
        assertThat(dl.has("amqp_offset")).isFalse();
    }

    @Test
    void anAmqpDeadLetterNamesHubPartitionSequenceNumberAndTheServicesOffset() {
        JsonNode dl = DeadLetterDocument.toJson(KAFKA.atAmqpPosition(7L, "1408")).at("/deletion_watch/dead_letter");

        assertThat(dl.path("topic").asText()).isEqualTo("insights-activity-logs");
        assertThat(dl.path("partition").asInt()).isEqualTo(1);
        assertThat(dl.path("sequence_number").asLong()).isEqualTo(7L);
        assertThat(dl.path("amqp_offset").asText()).isEqualTo("1408");
        assertThat(dl.has("offset")).as("no Kafka offset").isFalse();
        assertThat(dl.path("payload").asText()).isEqualTo("{\"records\": [");
    }
}
