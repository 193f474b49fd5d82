package io.deletionwatch.job.parsing;

import static io.deletionwatch.job.testing.ActivityRecords.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.bench.ActivityLogGenerator;
import io.deletionwatch.job.testing.CollectingParseOutput;
import io.deletionwatch.job.testing.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parser reads a payload's selected tree ({@link SelectiveTreeReader}); what it makes of it must
 * be exactly what it made of the whole tree. The hostile-input properties hold it to the same.
 */
class SelectiveTreeReaderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ActivityLogParser parser = new ActivityLogParser();

    /** Parses the record both ways, asserts they agree, and returns what the parser made. */
    static CollectingParseOutput assertSameAsWholeTree(ActivityLogParser parser, KafkaRecord record) {
        CollectingParseOutput selected = new CollectingParseOutput();
        parser.parse(record, selected);
        CollectingParseOutput whole = new CollectingParseOutput();
        parser.readingWholeTrees().parse(record, whole);

        assertThat(selected.events).as("events").isEqualTo(whole.events);
        assertThat(selected.skipped).as("skipped").isEqualTo(whole.skipped);
        assertThat(selected.deadLetters.stream().map(SelectiveTreeReaderTest::withoutTime).toList())
                .as("dead letters")
                .isEqualTo(whole.deadLetters.stream().map(SelectiveTreeReaderTest::withoutTime).toList());
        return selected;
    }

    /** A dead letter's content; its time is when it was made. */
    private static List<Object> withoutTime(DeadLetter d) {
        return List.of(
                d.reason(), d.detail(), d.stage(), d.topic(), d.partition(), d.offset(),
                new String(d.payload(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyPublicSampleAndScenarioGivesWhatTheWholeTreeGives() throws IOException {
        List<KafkaRecord> records = new ArrayList<>();
        for (Path dir : List.of(Samples.dir(), Samples.dir().resolveSibling("scenarios"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> !f.getFileName().toString().equals("SOURCES.txt")).sorted().toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    records.add(new KafkaRecord(file.getFileName().toString(), 0, 0, 0, bytes));
                    // the line-per-record files: each line as a payload of its own too
                    for (String line : new String(bytes, StandardCharsets.UTF_8).lines().toList()) {
                        if (!line.isBlank()) {
                            records.add(kafka(records.size(), line));
                        }
                    }
                }
            }
        }
        assertThat(records).hasSizeGreaterThan(40);

        int events = 0;
        for (KafkaRecord record : records) {
            events += assertSameAsWholeTree(parser, record).events.size();
        }
        assertThat(events).isGreaterThan(40);
    }

    @Test
    void theBenchmarksGeneratedLogGivesWhatTheWholeTreeGives() {
        ActivityLogGenerator.GeneratedLog log =
                ActivityLogGenerator.generate(
                        ActivityLogGenerator.Settings.of(7, 3_000, 1_000, 1), Instant.parse("2026-03-01T00:00:00Z"));

        long events = 0;
        for (ActivityLogGenerator.Envelope envelope : log.envelopes()) {
            events += assertSameAsWholeTree(parser, kafka(0, new String(envelope.value(), StandardCharsets.UTF_8)))
                    .events.size();
        }
        assertThat(events).isEqualTo(log.records());
    }

    @Test
    void theTreeHoldsOnlyTheFieldsTheParserReadsSpeltAsTheyCame() throws IOException {
        String record =
                "{\"TIME\":\"2026-03-01T10:00:00Z\",\"level\":\"Information\",\"durationMs\":12,"
                        + "\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"a/delete\","
                        + "\"identity\":{\"claims\":{\"appid\":\"a1\",\"aud\":\"https://management.core.windows.net/\","
                        + "\"IDTYP\":\"app\"},\"authorization\":{\"action\":\"a/delete\",\"scope\":\"/subscriptions/s1\","
                        + "\"evidence\":{\"role\":\"Owner\",\"principalId\":\"p1\"}}},"
                        + "\"properties\":{\"statusCode\":\"OK\",\"serviceRequestId\":\"x\",\"responseBody\":{\"id\":[1,2]}}}";

        JsonNode tree = new SelectiveTreeReader(MAPPER).read(("{\"records\":[" + record + "]}").getBytes(StandardCharsets.UTF_8));

        JsonNode selected = tree.get("records").get(0);
        assertThat(names(selected)).containsExactly("TIME", "resourceId", "operationName", "identity", "properties");
        assertThat(names(selected.get("identity"))).containsExactly("claims", "authorization");
        assertThat(names(selected.get("identity").get("claims"))).containsExactly("appid", "IDTYP");
        assertThat(names(selected.get("identity").get("authorization"))).containsExactly("evidence");
        assertThat(names(selected.get("identity").get("authorization").get("evidence"))).containsExactly("principalId");
        assertThat(names(selected.get("properties"))).containsExactly("statusCode", "responseBody");
        assertThat(selected.get("properties").get("responseBody").toString()).isEqualTo("{\"id\":[1,2]}");
    }

    @Test
    void aDeadLetteredRecordOfAnEnvelopeKeepsTheFieldsTheTreeSkipped() {
        String bad = "{\"level\":\"Error\",\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"a/delete\","
                + "\"properties\":{\"serviceRequestId\":\"x\"}}";
        String good = "{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"a/delete\"}";

        CollectingParseOutput out = assertSameAsWholeTree(parser, kafka(1, "{\"records\":[" + good + "," + bad + ",8]}"));

        assertThat(out.events).hasSize(1);
        assertThat(out.deadLetters).extracting(DeadLetter::reason).containsExactly("missing_time", "not_a_record");
        assertThat(new String(out.deadLetters.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo(bad);
        assertThat(new String(out.deadLetters.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("8");
    }

    @Test
    void aSkippedFieldIsStillCheckedAsJsonAndUtf8() {
        String head = "{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/s\",\"operationName\":\"a/delete\",\"level\":";
        byte[] badUtf8 = (head + "\"x\u00ff\"}").getBytes(StandardCharsets.ISO_8859_1);
        byte[] badJson = (head + "{\"a\" 1}}").getBytes(StandardCharsets.UTF_8);
        byte[] trailing = (head + "\"x\"} {}").getBytes(StandardCharsets.UTF_8);

        assertThat(assertSameAsWholeTree(parser, new KafkaRecord("t", 0, 0, 0, badUtf8)).deadLetters)
                .extracting(DeadLetter::reason).containsExactly("invalid_encoding");
        assertThat(assertSameAsWholeTree(parser, new KafkaRecord("t", 0, 0, 0, badJson)).deadLetters)
                .extracting(DeadLetter::reason).containsExactly("invalid_json");
        assertThat(assertSameAsWholeTree(parser, new KafkaRecord("t", 0, 0, 0, trailing)).deadLetters)
                .extracting(DeadLetter::reason).containsExactly("invalid_json");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
