package io.deletionwatch.connectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * ECS {@code event.ingested}: when the document reached Elasticsearch. The sink sets it on every
 * bulk request it sends, retries included, so a finding held back by an outage carries the time it
 * was finally indexed, not the time it was made. A newer version of a finding that replaces its
 * stored copy keeps that copy's {@code event.ingested}, so a rule that looks back over it alerts
 * once per finding. Elastic Security's External Alerts rule and the
 * shipped detection rules look back over {@code event.ingested}: a finding whose {@code @timestamp}
 * (the Azure event, which reaches Event Hubs minutes late) is long past is still found.
 *
 * <p>The sink's clock, not the node's: an ingest pipeline would need the {@code set} processor,
 * which the node this project tests against lacks (no {@code ingest-common} on Maven Central).
 * Both clocks are NTP-synchronised on any real deployment; the request takes milliseconds.
 */
final class IngestedTimestamp {
    static final String FIELD = "event.ingested";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IngestedTimestamp() {}

    /** The {@code event.ingested} a stored copy holds; null when it has none or it is no instant. */
    static Instant of(JsonNode source) {
        JsonNode ingested = source == null ? null : source.path("event").get("ingested");
        if (ingested == null || !ingested.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(ingested.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The document with {@code event.ingested} set to {@code at}; unchanged if it is no object. */
    static byte[] stamp(byte[] source, Instant at) {
        try {
            JsonNode document = MAPPER.readTree(source);
            if (!(document instanceof ObjectNode object)) {
                return source;
            }
            JsonNode event = object.get("event");
            if (event == null || event.isNull()) {
                event = object.putObject("event");
            }
            if (!(event instanceof ObjectNode eventObject)) {
                return source; // not ours to fix: Elasticsearch will say what is wrong with it
            }
            eventObject.put("ingested", at.toString());
            return MAPPER.writeValueAsBytes(object);
        } catch (IOException e) {
            return source; // not JSON: Elasticsearch refuses it and the sink dead-letters it
        }
    }
}
