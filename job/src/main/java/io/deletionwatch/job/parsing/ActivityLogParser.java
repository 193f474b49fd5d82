package io.deletionwatch.job.parsing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.Caller;
import io.deletionwatch.job.events.Outcome;
import io.deletionwatch.job.events.ResourceId;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns one Kafka record into Activity Log events, dead letters and skips, surviving every quirk
 * in activity-log.md. It never throws: whatever cannot be used becomes a dead letter with a reason.
 */
public final class ActivityLogParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Dead-letter reasons: stable codes for metrics and dashboards. */
    public static final String EMPTY_PAYLOAD = "empty_payload";

    public static final String TOO_LARGE = "too_large";
    public static final String INVALID_ENCODING = "invalid_encoding";
    public static final String INVALID_JSON = "invalid_json";
    public static final String NOT_A_RECORD = "not_a_record";
    public static final String INVALID_ENVELOPE = "invalid_envelope";
    public static final String MISSING_TIME = "missing_time";
    public static final String INVALID_TIME = "invalid_time";
    public static final String MISSING_OPERATION = "missing_operation";
    public static final String MISSING_RESOURCE_ID = "missing_resource_id";

    /** Event Hubs' largest event (Standard tier), with room for a little framing. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_100_000;

    /** Activity Log categories, as documented (Write/Delete/Action) and as exported. */
    private static final Set<String> ACTIVITY_CATEGORIES =
            Set.of(
                    "administrative",
                    "security",
                    "servicehealth",
                    "resourcehealth",
                    "alert",
                    "recommendation",
                    "policy",
                    "autoscale",
                    "write",
                    "delete",
                    "action");

    static final String CLAIM_OBJECT_ID = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    static final String CLAIM_UPN = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";
    static final String CLAIM_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

    // Content after the first JSON value (a second record, junk) would otherwise be dropped silently.
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    static {
        // Hostile input: bound what one record may make the parser allocate.
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxNestingDepth(200)
                                .maxStringLength(DEFAULT_MAX_RECORD_BYTES)
                                .maxNumberLength(100)
                                .build());
    }

    private static final SelectiveTreeReader SELECTIVE = new SelectiveTreeReader(MAPPER);

    private final int maxRecordBytes;
    /** False only for the tests' reference parser, which reads every payload into a whole tree. */
    private final boolean selective;

    public ActivityLogParser() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    public ActivityLogParser(int maxRecordBytes) {
        this(maxRecordBytes, true);
    }

    private ActivityLogParser(int maxRecordBytes, boolean selective) {
        this.maxRecordBytes = maxRecordBytes;
        this.selective = selective;
    }

    /** Reads every payload into a whole tree: the reference the tests hold the selective read to. */
    ActivityLogParser readingWholeTrees() {
        return new ActivityLogParser(maxRecordBytes, false);
    }

    public void parse(KafkaRecord record, ParseOutput out) {
        byte[] payload = record.value();
        if (isBlank(payload)) {
            out.deadLetter(deadLetter(record, EMPTY_PAYLOAD, "the record has no content", payload));
            return;
        }
        if (payload.length > maxRecordBytes) {
            out.deadLetter(
                    deadLetter(
                            record,
                            TOO_LARGE,
                            "the record has "
                                    + payload.length
                                    + " bytes; the limit is "
                                    + maxRecordBytes,
                            payload));
            return;
        }
        boolean utf8 = Utf8.isWellFormed(payload);
        JsonNode root = selective && utf8 ? readSelected(payload) : null;
        boolean selected = root != null;
        try {
            if (root == null) {
                root = MAPPER.readTree(payload);
            }
        } catch (IOException e) {
            out.deadLetter(
                    deadLetter(
                            record,
                            utf8 ? INVALID_JSON : INVALID_ENCODING,
                            utf8 ? "not JSON: " + shortMessage(e) : "not UTF-8 text",
                            payload));
            return;
        } catch (RuntimeException e) {
            out.deadLetter(deadLetter(record, INVALID_JSON, "not JSON: " + e, payload));
            return;
        }
        if (root == null || root.isMissingNode()) {
            out.deadLetter(deadLetter(record, EMPTY_PAYLOAD, "the record has no JSON value", payload));
            return;
        }
        WholeRecords wholeRecords = new WholeRecords(payload, selected ? null : root);
        if (root.isArray()) {
            records(record, root, out, wholeRecords);
        } else if (root.isObject()) {
            JsonNode records = field(root, "records");
            if (records == null) {
                record(record, root, out, () -> payload);
            } else if (records.isArray()) {
                records(record, records, out, wholeRecords);
            } else {
                out.deadLetter(
                        deadLetter(
                                record,
                                INVALID_ENVELOPE,
                                "\"records\" is " + describe(records) + ", not an array",
                                payload));
            }
        } else {
            out.deadLetter(
                    deadLetter(
                            record,
                            NOT_A_RECORD,
                            "the JSON value is " + describe(root) + ", not an object or array",
                            payload));
        }
    }

    /** The selected tree, or null when only a whole read can tell what the payload is. */
    private static JsonNode readSelected(byte[] payload) {
        try {
            return SELECTIVE.read(payload);
        } catch (IOException | RuntimeException e) {
            return null; // the whole read that follows reports it
        }
    }

    private void records(KafkaRecord source, JsonNode array, ParseOutput out, WholeRecords whole) {
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            int index = i;
            if (element.isObject()) {
                record(source, element, out, () -> whole.element(index));
            } else {
                out.deadLetter(
                        deadLetter(
                                source,
                                NOT_A_RECORD,
                                "a records element is " + describe(element) + ", not an object",
                                whole.element(index)));
            }
        }
    }

    /**
     * @param deadLetterPayload what a dead letter of this record keeps: the Kafka payload when the
     *     record is all of it, else the record's own JSON, every field included
     */
    private void record(
            KafkaRecord source, JsonNode node, ParseOutput out, Supplier<byte[]> deadLetterPayload) {
        try {
            ActivityEvent event = toEvent(node);
            if (event == null) {
                out.skipped(text(field(node, "category")));
            } else {
                out.event(event);
            }
        } catch (UnusableRecordException e) {
            out.deadLetter(
                    deadLetter(
                            source,
                            e.reason,
                            e.getMessage(),
                            deadLetterPayload.get()));
        }
    }

    /**
     * The event, or null when the record belongs to another log category. Every field read here
     * and in {@link #caller} is one {@link SelectiveTreeReader} keeps.
     */
    private static ActivityEvent toEvent(JsonNode node) {
        String category = text(field(node, "category"));
        if (category != null && !ACTIVITY_CATEGORIES.contains(category.toLowerCase(Locale.ROOT))) {
            return null;
        }
        String timeText = text(field(node, "time"));
        if (timeText == null) {
            throw new UnusableRecordException(MISSING_TIME, "the record has no \"time\"");
        }
        Instant time = parseTime(timeText);
        String operationName = text(field(node, "operationName"));
        if (operationName == null) {
            throw new UnusableRecordException(
                    MISSING_OPERATION, "the record has no \"operationName\"");
        }
        String resourceIdText = text(field(node, "resourceId"));
        if (resourceIdText == null) {
            throw new UnusableRecordException(
                    MISSING_RESOURCE_ID, "the record has no \"resourceId\"");
        }
        JsonNode identity = objectOrEmbeddedJson(field(node, "identity"));
        JsonNode properties = objectOrEmbeddedJson(field(node, "properties"));
        String operation = operationName.toLowerCase(Locale.ROOT);
        String phase = text(field(node, "resultType"));
        String statusCode = properties == null ? null : text(field(properties, "statusCode"));
        return new ActivityEvent(
                time,
                operation,
                operationName,
                phase,
                statusCode,
                outcome(operation, phase, statusCode),
                ResourceId.parse(resourceIdText),
                caller(identity),
                text(field(node, "callerIpAddress")),
                text(field(node, "correlationId")),
                category,
                text(field(node, "tenantId")),
                text(field(node, "location")),
                properties == null ? null : jsonText(field(properties, "requestbody")),
                properties == null ? null : jsonText(field(properties, "responseBody")),
                properties == null ? null : jsonText(field(properties, "statusMessage")));
    }

    static Outcome outcome(String operation, String phase, String statusCode) {
        String p = phase == null ? "" : phase.toLowerCase(Locale.ROOT);
        switch (p) {
            case "success", "succeeded":
                return Outcome.SUCCESS;
            case "failure", "failed":
                return Outcome.FAILURE;
            case "start", "started":
                return Outcome.IN_PROGRESS;
            case "accept", "accepted":
                // Async deletes (an NSG delete is one) often never log a Success row.
                return operation.endsWith("/delete") ? Outcome.SUCCESS : Outcome.IN_PROGRESS;
            default:
                if ("accepted".equalsIgnoreCase(statusCode) && operation.endsWith("/delete")) {
                    return Outcome.SUCCESS;
                }
                return Outcome.OTHER;
        }
    }

    static Instant parseTime(String text) {
        String t = text.strip();
        Instant fast = IsoTimes.parseOrNull(t);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                // Some exports drop the zone; Activity Log times are UTC.
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new UnusableRecordException(
                        INVALID_TIME, "\"time\" is not an ISO-8601 timestamp: " + abbreviate(t));
            }
        }
    }

    static Caller caller(JsonNode identity) {
        if (identity == null) {
            return Caller.NONE;
        }
        JsonNode claims = objectOrEmbeddedJson(field(identity, "claims"));
        JsonNode authorization = objectOrEmbeddedJson(field(identity, "authorization"));
        JsonNode evidence =
                authorization == null ? null : objectOrEmbeddedJson(field(authorization, "evidence"));
        String objectId = claims == null ? null : text(field(claims, CLAIM_OBJECT_ID));
        if (objectId == null && evidence != null) {
            objectId = text(field(evidence, "principalId"));
        }
        String upn = claims == null ? null : text(field(claims, CLAIM_UPN));
        String appId = claims == null ? null : text(field(claims, "appid"));
        String name = upn;
        if (name == null && claims != null) {
            name = text(field(claims, CLAIM_NAME));
        }
        if (name == null && claims != null) {
            name = text(field(claims, "name"));
        }
        if (name == null) {
            String known = FirstPartyApps.nameOf(appId);
            name = known != null ? known : appId;
        }
        String email = upn != null && upn.contains("@") ? upn : null;
        return new Caller(
                objectId == null ? null : dashedGuid(objectId.toLowerCase(Locale.ROOT)),
                name,
                email,
                appId,
                principalType(claims, evidence));
    }

    /**
     * The evidence's {@code principalId} comes without dashes, the claim with them: one principal
     * must have one {@code user.id} (it is also the key its deletions are counted under).
     */
    static String dashedGuid(String id) {
        if (id.length() != 32 || !id.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return id;
        }
        return id.substring(0, 8) + "-" + id.substring(8, 12) + "-" + id.substring(12, 16) + "-"
                + id.substring(16, 20) + "-" + id.substring(20);
    }

    private static String principalType(JsonNode claims, JsonNode evidence) {
        if (claims != null && text(field(claims, "xms_mirid")) != null) {
            return Caller.MANAGED_IDENTITY;
        }
        String idtyp = claims == null ? null : text(field(claims, "idtyp"));
        if ("app".equalsIgnoreCase(idtyp)) {
            return Caller.SERVICE_PRINCIPAL;
        }
        if ("user".equalsIgnoreCase(idtyp)) {
            return Caller.USER;
        }
        String type = evidence == null ? null : text(field(evidence, "principalType"));
        if (type != null) {
            switch (type.toLowerCase(Locale.ROOT)) {
                case "user":
                    return Caller.USER;
                case "serviceprincipal":
                    return Caller.SERVICE_PRINCIPAL;
                case "managedidentity":
                    return Caller.MANAGED_IDENTITY;
                default:
                    break;
            }
        }
        if (claims != null && text(field(claims, CLAIM_UPN)) != null) {
            return Caller.USER;
        }
        return Caller.UNKNOWN;
    }

    /** A field by name, falling back to a case-insensitive match (exports differ in case). */
    static JsonNode field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** {@code identity} and {@code properties} sometimes arrive as JSON strings. */
    private static JsonNode objectOrEmbeddedJson(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            return node;
        }
        if (node.isTextual() && node.textValue().strip().startsWith("{")) {
            try {
                JsonNode parsed = MAPPER.readTree(node.textValue());
                return parsed != null && parsed.isObject() ? parsed : null;
            } catch (JsonProcessingException e) {
                return null; // unusable, like an absent one; the record itself is still good
            }
        }
        return null;
    }

    /** Text of a scalar, null for absent, null, empty or non-scalar values. */
    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String value = node.asText().strip();
        return value.isEmpty() ? null : value;
    }

    /** A body field as JSON text whether it came as an object or a string; null when empty. */
    private static String jsonText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isContainerNode()) {
            return node.size() == 0 ? null : node.toString();
        }
        return text(node);
    }

    /**
     * A records array's elements as their own JSON, for dead letters. The selected tree lacks the
     * fields no rule reads, so then the payload is read whole, once, for the first element to need
     * it.
     */
    private static final class WholeRecords {
        private final byte[] payload;
        private JsonNode array;

        /** @param wholeRoot the payload's whole tree when it was read so, else null */
        WholeRecords(byte[] payload, JsonNode wholeRoot) {
            this.payload = payload;
            this.array = wholeRoot == null ? null : recordsOf(wholeRoot);
        }

        private static JsonNode recordsOf(JsonNode root) {
            return root.isArray() ? root : field(root, "records");
        }

        byte[] element(int index) {
            if (array == null) {
                try {
                    array = recordsOf(MAPPER.readTree(payload));
                } catch (IOException | RuntimeException e) {
                    // cannot happen for a payload the selective read took; keep all of it then
                    return payload;
                }
            }
            return array.get(index).toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT).replace("missing", "absent");
    }

    private static DeadLetter deadLetter(
            KafkaRecord source, String reason, String detail, byte[] payload) {
        return new DeadLetter(
                Instant.now(),
                reason,
                detail,
                "parse",
                source.topic(),
                source.partition(),
                source.offset(),
                payload);
    }

    private static boolean isBlank(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }


    private static String shortMessage(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return abbreviate(newline < 0 ? message : message.substring(0, newline));
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** A record that is JSON but lacks what every rule needs. */
    private static final class UnusableRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        UnusableRecordException(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
