package io.deletionwatch.job.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.io.ActivityLogFileFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code replay} publishes: each value of the input files (as {@code detect} reads them)
 * turned into the Kafka record value Event Hubs delivers, an envelope {@code {"records":[...]}}.
 *
 * <ul>
 *   <li>an envelope (an NDJSON line or a whole-file document) is sent as it is, one message;
 *   <li>a bare record is wrapped into an envelope of its own;
 *   <li>an array document becomes one message per element, each an envelope (kept) or a record
 *       (wrapped), so that no message outgrows Event Hubs' 1 MB limit;
 *   <li>anything else (not JSON, trailing content) is sent as it is: the job dead-letters it, as
 *       {@code detect} does.
 * </ul>
 *
 * @param messages the Kafka record values, in file order
 * @param activityLogRecords how many Activity Log records the envelopes hold
 * @param unusable values that are not JSON objects, sent as they are
 */
record ReplayInput(List<byte[]> messages, long activityLogRecords, long unusable) {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * @param rebaseTimes shift every {@code time} so that the newest is now (see {@link
     *     SampleTimes})
     */
    static ReplayInput load(List<Path> files, boolean rebaseTimes) throws IOException {
        List<byte[]> messages = new ArrayList<>();
        long records = 0;
        long unusable = 0;
        for (Path file : files) {
            for (KafkaRecord value : ActivityLogFileFormat.readAll(file)) {
                JsonNode node = parse(value.value());
                if (node instanceof ObjectNode object) {
                    messages.add(isEnvelope(object) ? value.value() : wrap(value.value()));
                    records += count(object);
                } else if (node != null && node.isArray()) {
                    for (JsonNode element : node) {
                        byte[] bytes = JSON.writeValueAsBytes(element);
                        if (element instanceof ObjectNode object) {
                            messages.add(isEnvelope(object) ? bytes : wrap(bytes));
                            records += count(object);
                        } else {
                            messages.add(bytes);
                            unusable++;
                        }
                    }
                } else {
                    messages.add(value.value());
                    unusable++;
                }
            }
        }
        if (rebaseTimes) {
            List<String> text =
                    messages.stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList();
            messages =
                    new ArrayList<>(
                            SampleTimes.endingNow(text).stream()
                                    .map(m -> m.getBytes(StandardCharsets.UTF_8))
                                    .toList());
        }
        return new ReplayInput(List.copyOf(messages), records, unusable);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isEnvelope(ObjectNode object) {
        return object.has("records");
    }

    private static long count(ObjectNode object) {
        JsonNode records = object.get("records");
        if (records == null) {
            return 1;
        }
        return records.isArray() ? records.size() : 0;
    }

    /** The record's own bytes inside an envelope: its text reaches the job unchanged. */
    private static byte[] wrap(byte[] record) {
        byte[] head = "{\"records\":[".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "]}".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + record.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(record, 0, out, head.length, record.length);
        System.arraycopy(tail, 0, out, head.length + record.length, tail.length);
        return out;
    }
}
