package io.deletionwatch.job.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.CollectingParseOutput;
import io.deletionwatch.job.testing.Samples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Hostile input, generated: whatever bytes arrive, the parser neither throws nor loses a record.
 * Each input goes through the parser directly and through {@link ActivityLogDeserializer} (hence
 * {@link ParseOutputs} and its counters), and both must agree; the parser's selective read must
 * give what a whole-tree read gives. 12 500 inputs in all.
 */
class HostileInputPropertiesTest {
    private static final Set<String> REASONS =
            Set.of(
                    ActivityLogParser.EMPTY_PAYLOAD,
                    ActivityLogParser.TOO_LARGE,
                    ActivityLogParser.INVALID_ENCODING,
                    ActivityLogParser.INVALID_JSON,
                    ActivityLogParser.NOT_A_RECORD,
                    ActivityLogParser.INVALID_ENVELOPE,
                    ActivityLogParser.MISSING_TIME,
                    ActivityLogParser.INVALID_TIME,
                    ActivityLogParser.MISSING_OPERATION,
                    ActivityLogParser.MISSING_RESOURCE_ID);

    /** Stands in for a value in a record's JSON text; replaced by the raw hostile text. */
    private static final String HOLE = "__hostile__";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** For checking what the parser wrote: duplicate keys and trailing tokens are errors here. */
    private static final ObjectMapper STRICT =
            JsonMapper.builder()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private static final List<String> FIELD_PATHS =
            List.of(
                    "time",
                    "operationName",
                    "resourceId",
                    "identity",
                    "properties",
                    "category",
                    "resultType",
                    "correlationId",
                    "callerIpAddress",
                    "tenantId",
                    "identity.claims",
                    "identity.authorization",
                    "identity.authorization.evidence",
                    "identity.authorization.evidence.principalId",
                    "identity.authorization.evidence.principalType",
                    "identity.claims.http://schemas.microsoft.com/identity/claims/objectidentifier",
                    "identity.claims.http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
                    "identity.claims.idtyp",
                    "identity.claims.appid",
                    "identity.claims.xms_mirid",
                    "properties.statusCode",
                    "properties.requestbody",
                    "properties.responseBody",
                    "properties.statusMessage");

    private final ActivityLogParser parser = new ActivityLogParser();

    // ---- properties -------------------------------------------------------------------------

    @Property(tries = 2000)
    void everyPrefixOfARealRecordIsUsedOrDeadLettered(@ForAll("truncatedRecords") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 2000)
    void aFieldOfTheWrongTypeNeverEscapesAsAnException(@ForAll("wrongTypes") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 400)
    void deepNestingIsBoundedAndDeadLetteredOrUsed(@ForAll("deepNesting") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 400)
    void recordsNearTheSizeLimitAreUsedAndAboveItAreDeadLetteredAsTooLarge(
            @ForAll("sizeLimits") int limit, @ForAll("sizeOffsets") int offset) {
        byte[] payload = padded(limit + offset);
        assertThat(payload).hasSize(limit + offset);

        CollectingParseOutput out = assertSurvives(new ActivityLogParser(limit), payload);

        if (offset > 0) {
            assertThat(out.events).isEmpty();
            assertThat(out.deadLetters)
                    .singleElement()
                    .extracting(DeadLetter::reason)
                    .isEqualTo(ActivityLogParser.TOO_LARGE);
        } else {
            assertThat(out.deadLetters).isEmpty();
            assertThat(out.events).hasSize(1);
        }
    }

    @Property(tries = 600)
    void hugeStringsInAnyFieldAreUsedOrDeadLettered(@ForAll("hugeStrings") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 1500)
    void invalidUtf8IsUsedOrDeadLetteredWithItsExactBytes(@ForAll("invalidUtf8") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 1500)
    void randomBytesAndJsonLikeNoiseAreDeadLetteredOrUsed(@ForAll("noise") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 1000)
    void duplicateKeysNeverEscapeAsAnException(@ForAll("duplicateKeys") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 1000)
    void numbersOutOfRangeAreUsedOrDeadLettered(@ForAll("outOfRangeNumbers") byte[] payload) {
        assertSurvives(parser, payload);
    }

    @Property(tries = 1000)
    void everyElementOfARecordsArrayGivesExactlyOneOutcome(
            @ForAll("recordsElements") List<String> elements, @ForAll boolean enveloped) {
        String array = "[" + String.join(",", elements) + "]";
        String payload = enveloped ? "{\"records\":" + array + "}" : array;

        CollectingParseOutput out =
                assertSurvives(parser, payload.getBytes(StandardCharsets.UTF_8));

        assertThat(out.events.size() + out.deadLetters.size() + out.skipped.size())
                .isEqualTo(elements.size());
    }

    @Property(tries = 600)
    void recordsThatIsNotAnArrayIsDeadLetteredAsAnInvalidEnvelope(
            @ForAll("notAnArray") String records) {
        byte[] payload = ("{\"records\":" + records + "}").getBytes(StandardCharsets.UTF_8);

        CollectingParseOutput out = assertSurvives(parser, payload);

        assertThat(out.events).isEmpty();
        assertThat(out.deadLetters)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo(ActivityLogParser.INVALID_ENVELOPE);
                            assertThat(d.payload()).isEqualTo(payload);
                        });
    }

    @Property(tries = 500)
    void contentAfterTheFirstJsonValueIsDeadLetteredNeverSilentlyDropped(
            @ForAll("trailingContent") byte[] payload) {
        CollectingParseOutput out = assertSurvives(parser, payload);

        assertThat(out.events).isEmpty();
        assertThat(out.deadLetters)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason())
                                    .isIn(ActivityLogParser.INVALID_JSON, ActivityLogParser.INVALID_ENCODING);
                            assertThat(d.payload()).isEqualTo(payload);
                        });
    }

    // ---- the invariants -----------------------------------------------------------------------

    /**
     * Parses the payload directly and through the deserializer, and checks everything that must
     * hold for any input. Returns what the parser made.
     */
    private static CollectingParseOutput assertSurvives(ActivityLogParser parser, byte[] payload) {
        KafkaRecord record = new KafkaRecord("insights-activity-logs", 3, 1234567L, 0L, payload);

        // an exception fails the property; so does a difference from the whole tree's outcome
        CollectingParseOutput out = SelectiveTreeReaderTest.assertSameAsWholeTree(parser, record);

        Through through = throughDeserializer(parser, record);
        assertThat(through.counter("activityLog.recordsIn")).isEqualTo(1);
        assertThat(through.counter("activityLog.eventsOut")).isEqualTo(out.events.size());
        assertThat(through.counter("activityLog.recordsSkipped")).isEqualTo(out.skipped.size());
        assertThat(through.events()).hasSize(out.events.size());
        assertThat(through.deadLetters()).hasSize(out.deadLetters.size());
        Map<String, Long> byReason = new HashMap<>();
        out.deadLetters.forEach(d -> byReason.merge(d.reason(), 1L, Long::sum));
        byReason.forEach(
                (reason, count) ->
                        assertThat(through.counter("activityLog.reason." + reason + ".deadLetters"))
                                .as("dead letters counted under %s", reason)
                                .isEqualTo(count));

        if (out.events.isEmpty() && out.deadLetters.isEmpty() && out.skipped.isEmpty()) {
            assertThat(isEmptyEnvelope(payload))
                    .as("only a valid empty envelope gives nothing: %s", preview(payload))
                    .isTrue();
        }
        for (ActivityEvent event : out.events) {
            assertThat(event.time()).isNotNull();
            assertThat(event.operationName()).isNotBlank();
            assertThat(event.resource()).isNotNull();
            assertThat(event.caller()).isNotNull();
        }
        for (DeadLetter deadLetter : out.deadLetters) {
            assertDeadLetter(deadLetter, record);
        }
        return out;
    }

    private static void assertDeadLetter(DeadLetter deadLetter, KafkaRecord record) {
        assertThat(deadLetter.reason()).isIn(REASONS);
        assertThat(deadLetter.detail()).isNotBlank();
        assertThat(deadLetter.stage()).isEqualTo("parse");
        assertThat(deadLetter.topic()).isEqualTo(record.topic());
        assertThat(deadLetter.partition()).isEqualTo(record.partition());
        assertThat(deadLetter.offset()).isEqualTo(record.offset());
        byte[] payload = deadLetter.payload();
        assertThat(payload).isNotNull();
        if (!Arrays.equals(payload, record.value())) {
            // One element of a records array: its own JSON.
            assertThat(readStrictly(payload)).as("an element's payload is JSON").isNotNull();
        }

        ObjectNode json = DeadLetterDocument.toJson(deadLetter);
        byte[] indexed = DeadLetterDocument.toIndexedDocument(deadLetter).source();
        assertThat(isUtf8(indexed)).as("the indexed dead letter is UTF-8").isTrue();
        JsonNode doc = readStrictly(indexed);
        assertThat(doc).as("the indexed dead letter is JSON").isNotNull();
        assertThat(doc.path("message").asText()).isEqualTo(json.path("message").asText());
        JsonNode dl = doc.path("deletion_watch").path("dead_letter");
        assertThat(dl.path("reason").asText()).isEqualTo(deadLetter.reason());
        assertThat(doc.path("error").path("code").asText()).isEqualTo(deadLetter.reason());
        assertThat(dl.path("topic").asText()).isEqualTo(record.topic());
        assertThat(dl.path("partition").asInt()).isEqualTo(record.partition());
        assertThat(dl.path("offset").asLong()).isEqualTo(record.offset());
        assertThat(dl.path("payload_bytes").asInt()).isEqualTo(payload.length);
        String text = dl.path("payload").asText();
        if (isUtf8(payload)) {
            assertThat(dl.path("payload_encoding").asText()).isEqualTo("utf-8");
            assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(payload);
        } else {
            assertThat(dl.path("payload_encoding").asText()).isEqualTo("base64");
            assertThat(Base64.getDecoder().decode(text)).isEqualTo(payload);
        }
    }

    /** {@code {"records":[]}} or {@code []}: nothing to do, and nothing lost. */
    private static boolean isEmptyEnvelope(byte[] payload) {
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (IOException e) {
            return false;
        }
        if (root == null) {
            return false;
        }
        if (root.isArray()) {
            return root.isEmpty();
        }
        JsonNode records = ActivityLogParser.field(root, "records");
        return records != null && records.isArray() && records.isEmpty();
    }

    private record Through(List<ParsedRecord> parsed, Map<String, SimpleCounter> counters) {
        long counter(String name) {
            SimpleCounter counter = counters.get(name);
            return counter == null ? 0 : counter.getCount();
        }

        List<ActivityEvent> events() {
            return parsed.stream().map(ParsedRecord::event).filter(e -> e != null).toList();
        }

        List<DeadLetter> deadLetters() {
            return parsed.stream().map(ParsedRecord::deadLetter).filter(d -> d != null).toList();
        }
    }

    private static Through throughDeserializer(ActivityLogParser parser, KafkaRecord record) {
        Map<String, SimpleCounter> counters = new HashMap<>();
        ActivityLogDeserializer deserializer = new ActivityLogDeserializer(parser);
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return new RecordingMetricGroup(counters, "");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
                    }
                });
        List<ParsedRecord> parsed = new ArrayList<>();
        // Kafka hands an empty value over as null.
        byte[] value = record.value().length == 0 ? null : record.value();
        deserializer.deserialize(
                new ConsumerRecord<>(
                        record.topic(), record.partition(), record.offset(), null, value),
                new Collector<>() {
                    @Override
                    public void collect(ParsedRecord r) {
                        parsed.add(r);
                    }

                    @Override
                    public void close() {}
                });
        return new Through(parsed, counters);
    }

    /** Keeps every counter by its dotted path, so the test can read the parser's metrics. */
    private static final class RecordingMetricGroup extends UnregisteredMetricsGroup {
        private final Map<String, SimpleCounter> counters;
        private final String scope;

        RecordingMetricGroup(Map<String, SimpleCounter> counters, String scope) {
            this.counters = counters;
            this.scope = scope;
        }

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(scope + name, n -> new SimpleCounter());
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new RecordingMetricGroup(counters, scope + name + ".");
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new RecordingMetricGroup(counters, scope + key + "." + value + ".");
        }
    }

    // ---- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> truncatedRecords() {
        return Arbitraries.of(realRecords())
                .flatMap(
                        bytes ->
                                Arbitraries.integers()
                                        .between(0, bytes.length)
                                        .map(n -> Arrays.copyOf(bytes, n)));
    }

    @Provide
    Arbitrary<byte[]> wrongTypes() {
        return Combinators.combine(
                        Arbitraries.of(FIELD_PATHS), wrongValue(), Arbitraries.of(Wrapping.values()))
                .as((path, value, wrapping) -> withHole(baseRecord(), path, value, wrapping));
    }

    @Provide
    Arbitrary<byte[]> deepNesting() {
        Arbitrary<Integer> depth =
                Arbitraries.oneOf(
                        Arbitraries.integers().between(190, 210),
                        Arbitraries.integers().between(1, 5000));
        Arbitrary<String> nested =
                Combinators.combine(depth, Arbitraries.of("[", "{\"a\":", "[{\"b\":"), Arbitraries.of(true, false))
                        .as(HostileInputPropertiesTest::nested);
        Arbitrary<byte[]> atRoot = nested.map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> inAField =
                Combinators.combine(Arbitraries.of(FIELD_PATHS), nested, Arbitraries.of(Wrapping.values()))
                        .as((path, value, wrapping) -> withHole(baseRecord(), path, value, wrapping));
        Arbitrary<byte[]> embedded =
                Combinators.combine(Arbitraries.of("identity", "properties", "identity.claims"), nested)
                        .as(
                                (path, value) ->
                                        withHole(baseRecord(), path, quoted(value), Wrapping.ENVELOPE));
        Arbitrary<byte[]> inRecords =
                nested.map(s -> ("{\"records\":[" + s + "]}").getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(atRoot, inAField, embedded, inRecords);
    }

    @Provide
    Arbitrary<Integer> sizeLimits() {
        return Arbitraries.of(4_096, 65_536, ActivityLogParser.DEFAULT_MAX_RECORD_BYTES);
    }

    @Provide
    Arbitrary<Integer> sizeOffsets() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 3), Arbitraries.integers().between(-2000, 2000));
    }

    @Provide
    Arbitrary<byte[]> hugeStrings() {
        Arbitrary<String> huge =
                Combinators.combine(
                                Arbitraries.of("a", "é", "😀", "\\ud800", "\\\"", "\\u0000", " "),
                                Arbitraries.integers().between(150, 300_000),
                                Arbitraries.of("", "x", "2026-03-01T10:00:00Z"))
                        .as((unit, n, prefix) -> "\"" + prefix + unit.repeat(n) + "\"");
        return Combinators.combine(Arbitraries.of(FIELD_PATHS), huge, Arbitraries.of(Wrapping.values()))
                .as((path, value, wrapping) -> withHole(baseRecord(), path, value, wrapping));
    }

    @Provide
    Arbitrary<byte[]> invalidUtf8() {
        Arbitrary<byte[]> bad =
                Arbitraries.of(
                        new byte[] {(byte) 0xff},
                        new byte[] {(byte) 0xfe, (byte) 0xff},
                        new byte[] {(byte) 0x80},
                        new byte[] {(byte) 0xc0, (byte) 0x80}, // overlong NUL
                        new byte[] {(byte) 0xc3}, // a lead byte alone
                        new byte[] {(byte) 0xe2, (byte) 0x82}, // cut short
                        new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a surrogate
                        new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // > U+10FFFF
                        new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80});
        Arbitrary<byte[]> anywhere =
                Combinators.combine(Arbitraries.of(realRecords()), bad, Arbitraries.doubles().between(0, 1))
                        .as(
                                (record, b, where) ->
                                        splice(record, (int) (where * record.length), b));
        Arbitrary<byte[]> inAString =
                Combinators.combine(Arbitraries.of(FIELD_PATHS), bad, Arbitraries.of(Wrapping.values()))
                        .as(
                                (path, b, wrapping) -> {
                                    byte[] text = withHole(baseRecord(), path, "\"x" + HOLE + "y\"", wrapping);
                                    int at = indexOf(text, HOLE.getBytes(StandardCharsets.UTF_8));
                                    byte[] out = splice(text, at, b);
                                    return removeRange(out, at + b.length, HOLE.length());
                                });
        return Arbitraries.oneOf(anywhere, inAString);
    }

    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<byte[]> binary =
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(3000);
        Arbitrary<byte[]> jsonish =
                Arbitraries.strings()
                        .withChars("{}[]\":,.-+eE0123456789 \t\n\\/utrfalsnecordsim")
                        .ofMaxLength(300)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> whitespace =
                Arbitraries.strings().withChars(" \t\r\n").ofMaxLength(20).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> scalars =
                wrongValue().map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, binary),
                net.jqwik.api.Tuple.of(4, jsonish),
                net.jqwik.api.Tuple.of(1, whitespace),
                net.jqwik.api.Tuple.of(1, scalars));
    }

    @Provide
    Arbitrary<byte[]> duplicateKeys() {
        Arbitrary<String> key =
                Arbitraries.of(FIELD_PATHS.subList(0, 10))
                        .flatMap(k -> Arbitraries.of(k, k.toUpperCase(), k.toLowerCase()));
        Arbitrary<String> value = Arbitraries.oneOf(wrongValue(), Arbitraries.of("\"2026-03-01T10:00:00Z\"", "\"/a/b\""));
        Arbitrary<byte[]> inARecord =
                Combinators.combine(key, value, Arbitraries.of(true, false), Arbitraries.of(Wrapping.values()))
                        .as(
                                (k, v, first, wrapping) -> {
                                    String record = baseRecord().toString();
                                    String entry = MAPPER.valueToTree(k).toString() + ":" + v;
                                    String dup =
                                            first
                                                    ? "{" + entry + "," + record.substring(1)
                                                    : record.substring(0, record.length() - 1) + "," + entry + "}";
                                    return wrapping.wrap(dup).getBytes(StandardCharsets.UTF_8);
                                });
        Arbitrary<byte[]> twoRecords =
                Combinators.combine(
                                Arbitraries.of("records", "Records", "RECORDS"),
                                Arbitraries.oneOf(wrongValue(), Arbitraries.just("[" + baseRecord() + "]")),
                                Arbitraries.of(true, false))
                        .as(
                                (k, v, first) -> {
                                    String good = "\"records\":[" + baseRecord() + "]";
                                    String other = "\"" + k + "\":" + v;
                                    return ("{" + (first ? other + "," + good : good + "," + other) + "}")
                                            .getBytes(StandardCharsets.UTF_8);
                                });
        return Arbitraries.oneOf(inARecord, twoRecords);
    }

    @Provide
    Arbitrary<byte[]> outOfRangeNumbers() {
        Arbitrary<String> number =
                Arbitraries.oneOf(
                        Arbitraries.of(
                                "1e400", "-1e400", "1e-400", "1E999999999", "-0", "-0.0",
                                "9223372036854775808", "-9223372036854775809",
                                "18446744073709551616", "1" + "0".repeat(99), "9".repeat(101),
                                "0." + "0".repeat(150) + "1", "1" + "0".repeat(400) + ".5e-99999",
                                "NaN", "Infinity", "-Infinity", "0x1F", "01", "1.", ".5", "1e", "+1"),
                        Arbitraries.bigIntegers()
                                .between(
                                        java.math.BigInteger.TEN.pow(60).negate(),
                                        java.math.BigInteger.TEN.pow(60))
                                .map(Object::toString),
                        Arbitraries.doubles().map(d -> Double.toString(d)));
        Arbitrary<String> path =
                Arbitraries.oneOf(
                        Arbitraries.of(FIELD_PATHS), Arbitraries.of("durationMs", "level", "properties.eventCategory"));
        return Combinators.combine(path, number, Arbitraries.of(Wrapping.values()))
                .as((p, n, wrapping) -> withHole(baseRecord(), p, n, wrapping));
    }

    @Provide
    Arbitrary<byte[]> trailingContent() {
        Arbitrary<String> first =
                Arbitraries.of(Wrapping.values()).map(w -> w.wrap(baseRecord().toString()));
        Arbitrary<String> trailer =
                Arbitraries.oneOf(
                        Arbitraries.of(Wrapping.values()).map(w -> w.wrap(baseRecord().toString())),
                        randomJson(2),
                        Arbitraries.strings().withChars("{}[]\":,x1 ").ofMinLength(1).ofMaxLength(30)
                                .filter(t -> !t.isBlank()));
        return Combinators.combine(first, Arbitraries.of("", " ", "\n", "\r\n"), trailer)
                .as((f, separator, t) -> (f + separator + t).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<List<String>> recordsElements() {
        Arbitrary<String> element =
                Arbitraries.oneOf(
                        wrongValue(),
                        Arbitraries.of(FIELD_PATHS)
                                .flatMap(
                                        p ->
                                                wrongValue()
                                                        .map(
                                                                v ->
                                                                        new String(
                                                                                withHole(baseRecord(), p, v, Wrapping.BARE),
                                                                                StandardCharsets.UTF_8))),
                        Arbitraries.of(
                                baseRecord().toString(),
                                "{}",
                                "{\"category\":\"SignInLogs\"}",
                                "{\"records\":[]}",
                                "[" + baseRecord() + "]"));
        return element.list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> notAnArray() {
        return wrongValue().filter(v -> !v.strip().startsWith("["));
    }

    // ---- building blocks ----------------------------------------------------------------------

    /** How a record reaches Kafka: alone, in the Event Hubs envelope, or in a bare array. */
    private enum Wrapping {
        BARE,
        ENVELOPE,
        ARRAY;

        String wrap(String record) {
            return switch (this) {
                case BARE -> record;
                case ENVELOPE -> "{\"records\":[" + record + "]}";
                case ARRAY -> "[" + record + "]";
            };
        }
    }

    /** JSON values (and a few not quite JSON) of every type but the expected one. */
    private static Arbitrary<String> wrongValue() {
        Arbitrary<String> fixed =
                Arbitraries.of(
                        "null", "true", "false", "0", "-1", "3.25", "1e400", "[]", "{}", "[1,2,3]",
                        "[null]", "[{}]", "[\"2026-03-01T10:00:00Z\"]", "{\"a\":1}",
                        "{\"time\":\"2026-03-01T10:00:00Z\"}", "\"\"", "\"   \"", "\"{\"",
                        "\"{not json\"", "\"{\\\"claims\\\":1}\"", "\"{\\\"claims\\\":\\\"{}\\\"}\"",
                        "\"[]\"", "\"null\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"",
                        "\"2026-02-30T10:00:00Z\"", "\"2026-03-01T25:00:00Z\"", "\"+999999999-12-31T23:59:59-18:00\"",
                        "\"-999999999-01-01T00:00:00+18:00\"", "\"2026-03-01T10:00:00\"", "\"1700000000\"",
                        "\"/\"", "\"//////\"", "\"/subscriptions/\"", "\"/providers/x/y\"");
        Arbitrary<String> strings =
                Arbitraries.strings().ofMaxLength(40).map(s -> MAPPER.valueToTree(s).toString());
        return Arbitraries.oneOf(fixed, strings, randomJson(3));
    }

    /** Small random JSON values, nested up to the given depth. */
    private static Arbitrary<String> randomJson(int depth) {
        Arbitrary<String> scalar =
                Arbitraries.oneOf(
                        Arbitraries.integers().map(String::valueOf),
                        Arbitraries.of("null", "true", "false", "1.5e300"),
                        Arbitraries.strings().alpha().ofMaxLength(8).map(s -> "\"" + s + "\""));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> inner = randomJson(depth - 1);
        Arbitrary<String> array = inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object =
                Combinators.combine(Arbitraries.of("time", "records", "claims", "x", "properties"), inner)
                        .as((k, v) -> "\"" + k + "\":" + v)
                        .list()
                        .ofMaxSize(3)
                        .map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(scalar, array, object);
    }

    private static ObjectNode baseRecord() {
        return ActivityRecords.record(
                        "Microsoft.Network/networkSecurityGroups/delete",
                        ActivityRecords.nsgId("rg-prod", "nsg-web"),
                        "Success",
                        "c0ffee00-0000-4000-8000-000000000001",
                        ActivityRecords.BEGINNING)
                .json()
                .deepCopy();
    }

    /** The record with the value at the dotted path replaced by raw text, wrapped, as bytes. */
    private static byte[] withHole(ObjectNode record, String path, String raw, Wrapping wrapping) {
        ObjectNode parent = record;
        String rest = path;
        while (true) {
            int dot = rest.indexOf('.');
            // Claim names contain dots: once under claims, the rest is one key.
            if (dot < 0 || parent.has(rest) || parent != record && parentIsClaims(record, parent)) {
                break;
            }
            String name = rest.substring(0, dot);
            JsonNode child = parent.get(name);
            parent = child instanceof ObjectNode o ? o : parent.putObject(name);
            rest = rest.substring(dot + 1);
        }
        parent.put(rest, HOLE);
        String text = wrapping.wrap(record.toString()).replace("\"" + HOLE + "\"", raw);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean parentIsClaims(ObjectNode record, ObjectNode node) {
        return record.path("identity").path("claims") == node;
    }

    private static String nested(int depth, String open, boolean closed) {
        String close =
                switch (open) {
                    case "[" -> "]";
                    case "{\"a\":" -> "}";
                    default -> "}]";
                };
        String leaf = open.equals("[") ? "1" : "\"x\"";
        return open.repeat(depth) + leaf + (closed ? close.repeat(depth) : "");
    }

    private static String quoted(String text) {
        return MAPPER.valueToTree(text).toString();
    }

    /** A valid record padded (in a field no rule reads) to exactly the given size in bytes. */
    private static byte[] padded(int size) {
        ObjectNode record = baseRecord();
        record.put("padding", "");
        int bare = record.toString().getBytes(StandardCharsets.UTF_8).length;
        record.put("padding", "p".repeat(Math.max(0, size - bare)));
        return record.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> realRecords() {
        List<byte[]> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(Samples.dir())) {
            for (Path file : files.filter(f -> !f.getFileName().toString().endsWith(".txt")).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                records.add(bytes);
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    if (line.strip().startsWith("{") && line.length() < bytes.length - 1) {
                        records.add(line.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode record = baseRecord();
        records.add(record.toString().getBytes(StandardCharsets.UTF_8));
        records.add(ActivityRecords.envelope(7, ActivityRecords.record(
                        "Microsoft.Network/networkSecurityGroups/securityRules/write",
                        ActivityRecords.nsgId("rg-prod", "nsg-web") + "/securityRules/allow-any",
                        "Start",
                        "c0ffee00-0000-4000-8000-000000000002",
                        Instant.parse("2026-03-01T10:05:00Z"))
                .servicePrincipal("22222222-bbbb-4ccc-8ddd-000000000002", "app-1"),
                        ActivityRecords.record(
                                "Microsoft.Resources/subscriptions/resourceGroups/delete",
                                "/subscriptions/" + ActivityRecords.SUBSCRIPTION + "/resourceGroups/rg-old",
                                "Accept",
                                "c0ffee00-0000-4000-8000-000000000003",
                                Instant.parse("2026-03-01T10:06:00Z")))
                .record()
                .value());
        return records;
    }

    private static JsonNode readStrictly(byte[] json) {
        try {
            return STRICT.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] splice(byte[] into, int at, byte[] insert) {
        byte[] out = new byte[into.length + insert.length];
        System.arraycopy(into, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(into, at, out, at + insert.length, into.length - at);
        return out;
    }

    private static byte[] removeRange(byte[] from, int at, int length) {
        byte[] out = new byte[from.length - length];
        System.arraycopy(from, 0, out, 0, at);
        System.arraycopy(from, at + length, out, at, from.length - at - length);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("no hole");
    }

    private static String preview(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
