package io.deletionwatch.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves a sample's {@code time} values so that its newest record is now, keeping every gap: the
 * demo's findings then look like what just happened. Lines that are not JSON stay as they are
 * (they become dead letters, which the demo shows too).
 */
final class SampleTimes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleTimes() {}

    static List<String> endingNow(List<String> lines) throws IOException {
        return shift(lines, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    static List<String> shift(List<String> lines, Instant end) {
        List<JsonNode> parsed = new ArrayList<>();
        Instant newest = null;
        for (String line : lines) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                node = null;
            }
            parsed.add(node);
            for (ObjectNode record : records(node)) {
                Instant time = time(record);
                if (time != null && (newest == null || time.isAfter(newest))) {
                    newest = time;
                }
            }
        }
        if (newest == null) {
            return lines;
        }
        Duration offset = Duration.between(newest, end);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode node = parsed.get(i);
            if (node == null) {
                out.add(lines.get(i));
                continue;
            }
            for (ObjectNode record : records(node)) {
                Instant time = time(record);
                if (time != null) {
                    record.put("time", time.plus(offset).toString());
                }
            }
            out.add(node.toString());
        }
        return out;
    }

    private static List<ObjectNode> records(JsonNode node) {
        List<ObjectNode> records = new ArrayList<>();
        if (node == null) {
            return records;
        }
        JsonNode array = node.isArray() ? node : node.get("records");
        if (array != null && array.isArray()) {
            array.forEach(r -> {
                if (r instanceof ObjectNode o) {
                    records.add(o);
                }
            });
        } else if (node instanceof ObjectNode o) {
            records.add(o);
        }
        return records;
    }

    private static Instant time(ObjectNode record) {
        JsonNode time = record.get("time");
        if (time == null || !time.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(time.textValue());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
