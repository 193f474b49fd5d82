package io.deletionwatch.job.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.source.KafkaRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Builds Activity Log records shaped like the Event Hubs export (claims, evidence, properties), for
 * tests that need exact control over one field at a time.
 */
public final class ActivityRecords {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static final String SUBSCRIPTION = "6a3c1d2e-0000-4000-8000-00000000abcd";
    public static final String ALICE_OID = "11111111-aaaa-4bbb-8ccc-000000000001";
    public static final String ALICE = "alice@contoso.com";
    public static final Instant BEGINNING = Instant.parse("2026-03-01T10:00:00Z");

    private final ObjectNode record = MAPPER.createObjectNode();

    private ActivityRecords() {}

    public static String nsgId(String group, String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group
                + "/providers/Microsoft.Network/networkSecurityGroups/" + name;
    }

    /** A record by alice with the given operation on the resource, phase and correlation id. */
    public static ActivityRecords record(
            String operationName, String resourceId, String resultType, String correlationId, Instant time) {
        ActivityRecords r = new ActivityRecords();
        r.record.put("time", time.toString());
        r.record.put("resourceId", resourceId);
        r.record.put("operationName", operationName);
        r.record.put("category", "Administrative");
        r.record.put("resultType", resultType);
        r.record.put("resultSignature", signatureFor(resultType));
        r.record.put("durationMs", 12);
        r.record.put("callerIpAddress", "203.0.113.7");
        r.record.put("correlationId", correlationId);
        r.record.put("level", resultType.equals("Failure") ? "Error" : "Information");
        r.record.put("location", "westeurope");
        r.record.put("tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        r.user(ALICE_OID, ALICE);
        ObjectNode properties = r.record.putObject("properties");
        properties.put("statusCode", statusFor(resultType));
        properties.put("eventCategory", "Administrative");
        properties.put("entity", resourceId);
        properties.put("message", operationName);
        properties.put("hierarchy", "72f988bf-86f1-41af-91ab-2d7cd011db47/" + SUBSCRIPTION);
        return r;
    }

    private static String signatureFor(String resultType) {
        return switch (resultType) {
            case "Start" -> "Started.";
            case "Accept" -> "Accepted.";
            case "Success" -> "Succeeded.";
            case "Failure" -> "Failed.";
            default -> resultType + ".";
        };
    }

    private static String statusFor(String resultType) {
        return switch (resultType) {
            case "Success" -> "OK";
            case "Accept" -> "Accepted";
            case "Failure" -> "BadRequest";
            default -> "Started";
        };
    }

    public ActivityRecords user(String objectId, String upn) {
        ObjectNode identity = record.putObject("identity");
        ObjectNode evidence =
                identity.putObject("authorization").putObject("evidence");
        evidence.put("role", "Contributor").put("principalId", objectId.replace("-", ""));
        evidence.put("principalType", "User");
        ObjectNode claims = identity.putObject("claims");
        claims.put("http://schemas.microsoft.com/identity/claims/objectidentifier", objectId);
        claims.put("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", upn);
        claims.put("name", upn);
        claims.put("idtyp", "user");
        return this;
    }

    public ActivityRecords servicePrincipal(String objectId, String appId) {
        ObjectNode identity = record.putObject("identity");
        ObjectNode evidence = identity.putObject("authorization").putObject("evidence");
        evidence.put("role", "Owner").put("principalId", objectId).put("principalType", "ServicePrincipal");
        ObjectNode claims = identity.putObject("claims");
        claims.put("http://schemas.microsoft.com/identity/claims/objectidentifier", objectId);
        claims.put("appid", appId);
        claims.put("idtyp", "app");
        return this;
    }

    public ActivityRecords property(String name, String value) {
        ((ObjectNode) record.get("properties")).put(name, value);
        return this;
    }

    public ActivityRecords set(String field, String value) {
        if (value == null) {
            record.remove(field);
        } else {
            record.put(field, value);
        }
        return this;
    }

    public ObjectNode json() {
        return record;
    }

    public String text() {
        return record.toString();
    }

    /** Wraps records in the Event Hubs envelope. */
    public static Envelope envelope(long offset, ActivityRecords... records) {
        ObjectNode envelope = MAPPER.createObjectNode();
        ArrayNode array = envelope.putArray("records");
        for (ActivityRecords r : records) {
            array.add(r.record);
        }
        return new Envelope(kafka(offset, envelope.toString()));
    }

    public static KafkaRecord kafka(long offset, String payload) {
        return new KafkaRecord(
                "insights-activity-logs", 0, offset, 0, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Helpers for tests that write records to files. */
    public static final class Envelope {
        private final KafkaRecord record;

        Envelope(KafkaRecord record) {
            this.record = record;
        }

        public String valueText() {
            return new String(record.value(), StandardCharsets.UTF_8);
        }

        public KafkaRecord record() {
            return record;
        }
    }

    public static List<KafkaRecord> each(ActivityRecords... records) {
        java.util.ArrayList<KafkaRecord> out = new java.util.ArrayList<>();
        for (int i = 0; i < records.length; i++) {
            out.add(envelope(i, records[i]).record());
        }
        return out;
    }
}
