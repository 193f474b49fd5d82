package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How input files become Kafka record values: envelopes, as Event Hubs delivers them. */
class ReplayInputTest {
    private static final String A = "{\"time\":\"2026-03-01T10:00:00Z\",\"operationName\":\"a\"}";
    private static final String B = "{\"time\":\"2026-03-01T10:05:00Z\",\"operationName\":\"b\"}";

    @TempDir Path dir;

    private static List<String> text(ReplayInput input) {
        return input.messages().stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void shouldKeepEnvelopeLinesAsTheyAreAndWrapBareRecords() throws Exception {
        String envelope = "{ \"records\": [" + A + ", " + B + "] }";
        Path file = Files.writeString(dir.resolve("mixed.ndjson"), envelope + "\n\n" + B + "\nnot json\n" + A + " trailing\n");

        ReplayInput input = ReplayInput.load(List.of(file), false);

        assertThat(text(input)).containsExactly(envelope, "{\"records\":[" + B + "]}", "not json", A + " trailing");
        assertThat(input.activityLogRecords()).isEqualTo(3);
        assertThat(input.unusable()).isEqualTo(2);
    }

    @Test
    void shouldSendAnArrayDocumentAsOneEnvelopePerElement() throws Exception {
        Path file = Files.writeString(dir.resolve("array.json"), "[\n  " + A + ",\n  {\"records\": [" + B + "]},\n  7\n]\n");

        ReplayInput input = ReplayInput.load(List.of(file), false);

        assertThat(text(input)).containsExactly("{\"records\":[" + A + "]}", "{\"records\":[" + B + "]}", "7");
        assertThat(input.activityLogRecords()).isEqualTo(2);
        assertThat(input.unusable()).isEqualTo(1);
    }

    @Test
    void shouldSendAPrettyPrintedEnvelopeDocumentAsOneMessage() throws Exception {
        String document = "{\n  \"records\": [\n    " + A + "\n  ]\n}\n";
        Path file = Files.writeString(dir.resolve("pretty.json"), document);

        ReplayInput input = ReplayInput.load(List.of(file), false);

        assertThat(text(input)).containsExactly(document);
        assertThat(input.activityLogRecords()).isEqualTo(1);
    }

    @Test
    void shouldShiftTimesSoThatTheNewestIsNowWhenAsked() throws Exception {
        Path file = Files.writeString(dir.resolve("two.ndjson"), A + "\n" + B + "\n");

        List<String> shifted = text(ReplayInput.load(List.of(file), true));

        java.time.Instant first = java.time.Instant.parse(shifted.get(0).replaceAll(".*\"time\":\"([^\"]+)\".*", "$1"));
        java.time.Instant second = java.time.Instant.parse(shifted.get(1).replaceAll(".*\"time\":\"([^\"]+)\".*", "$1"));
        assertThat(java.time.Duration.between(first, second)).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(second).isAfter(java.time.Instant.parse("2026-03-01T10:05:00Z"));
        assertThat(shifted.get(0)).startsWith("{\"records\":[{").contains("\"operationName\":\"a\"");
    }
}
