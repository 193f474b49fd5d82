package io.deletionwatch.job.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * A deterministic (seeded) Activity Log as Event Hubs delivers it, for the benchmark: ~1.5 KB
 * records in envelopes of one to a few dozen records, at least 95 % of the operations of no
 * interest to any rule, every operation's phase rows (Start, Accept, Success, Failure), transport
 * duplicates a few seconds later, thousands of callers and resources, and attack incidents for
 * every rule at known times with the findings they must produce.
 *
 * <p>Times are offsets from a base instant given when rendering, so the same log can be replayed
 * as "now" (latency, soak) or at a fixed date (throughput).
 */
public final class ActivityLogGenerator {
    /** Rules whose findings are emitted as the completing row arrives. */
    public static final Set<String> SINGLE_EVENT_RULES =
            Set.of("nsg-deleted", "nsg-rule-changed", "logging-disabled");

    /** Rule ids, in the order incidents are injected. */
    public static final List<String> RULES =
            List.of(
                    "nsg-deleted",
                    "nsg-rule-changed",
                    "nsg-disassociated-then-deleted",
                    "nsg-forced-deletion",
                    "mass-deletion",
                    "logging-disabled",
                    "logging-disabled-then-deletion");

    /** How long before its completing row an incident starts (its Start rows included). */
    private static final long INCIDENT_LEAD = 5_000;

    /** Deletions in one injected mass-deletion incident (the default threshold is 10). */
    public static final int MASS_DELETIONS = 12;

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final int SUBSCRIPTIONS = 20;
    private static final int GROUPS_PER_SUBSCRIPTION = 10;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * What to generate.
     *
     * @param records Activity Log records to make, at least (incidents add a few)
     * @param recordsPerSecond the event-time rate: record {@code i} is about {@code i / rate}
     *     seconds after the base
     * @param incidentsPerRule incidents injected for each rule
     */
    public record Settings(
            long seed, int records, int callers, int resources, int recordsPerSecond, int incidentsPerRule) {
        public Settings {
            if (records < 1 || callers < 1 || resources < 1000 || recordsPerSecond < 1 || incidentsPerRule < 0) {
                throw new IllegalArgumentException("bad generator settings: " + this);
            }
        }

        public static Settings of(long seed, int records, int recordsPerSecond, int incidentsPerRule) {
            return new Settings(seed, records, 10_000, 100_000, recordsPerSecond, incidentsPerRule);
        }
    }

    /** One Kafka record: an envelope of Activity Log records. */
    public record Envelope(byte[] value, long offsetMillis, int records) {}

    /**
     * A finding the log must produce, exactly once.
     *
     * @param key the resource id (lower case) for resource rules, the caller's object id for caller
     *     rules (mass-deletion, logging-disabled-then-deletion)
     * @param envelope the index of the envelope holding the row that completes the incident
     */
    public record ExpectedFinding(String ruleId, String key, int envelope, long offsetMillis) {
        public boolean singleEvent() {
            return SINGLE_EVENT_RULES.contains(ruleId);
        }
    }

    /** What the log contains, counted while generating. */
    public record Stats(
            long records,
            long operations,
            long irrelevantOperations,
            long duplicates,
            int callers,
            int resources,
            long bytes) {}

    public record GeneratedLog(List<Envelope> envelopes, List<ExpectedFinding> expected, Stats stats) {
        public long records() {
            return stats.records();
        }
    }

    private final Settings settings;
    private final Random random;
    private final List<Row> rows = new ArrayList<>();
    private final List<Expectation> expectations = new ArrayList<>();
    private final Set<Integer> callersUsed = new HashSet<>();
    private final Set<Integer> resourcesUsed = new HashSet<>();
    private long operations;
    private long irrelevantOperations;
    private long duplicates;
    private long correlations;

    private ActivityLogGenerator(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    public static GeneratedLog generate(Settings settings, Instant base) {
        return new ActivityLogGenerator(settings).run(base);
    }

    private GeneratedLog run(Instant base) {
        // ~2.1 rows an operation: space operations so that rows come at the requested rate
        double rowsPerOp = 2.1;
        double gapMillis = 1000.0 * rowsPerOp / settings.recordsPerSecond();
        long spanMillis = (long) (1000.0 * settings.records() / settings.recordsPerSecond());
        injectIncidents(spanMillis);
        int incidentRows = rows.size();
        double t = 1_000;
        while (rows.size() - incidentRows < settings.records()) {
            benignOperation((long) t);
            t += gapMillis * (0.5 + random.nextDouble());
        }
        duplicate();
        List<Row> delivery = deliveryOrder();
        return pack(delivery, base);
    }

    // ---------------------------------------------------------------- ordinary activity

    private void benignOperation(long t) {
        operations++;
        // every caller once (a permutation), then at random
        int caller = operations <= settings.callers()
                ? (int) ((operations * 7_919L) % settings.callers())
                : random.nextInt(settings.callers());
        callersUsed.add(caller);
        int kind = random.nextInt(1000);
        Caller who = Caller.of(caller);
        if (kind < 10) {
            // the odd deletion: a scratch disk, an old VM
            int resource = generalResource();
            delete(t, who, Resources.id(resource), "Start", "Accept", "Success");
        } else if (kind < 18) {
            int subnet = random.nextInt(Resources.SUBNETS);
            resourcesUsed.add(subnet);
            String nsg = Resources.nsgOf(subnet);
            String body = Bodies.subnet(Resources.subnetName(subnet), nsg);
            write(t, who, Resources.subnetId(subnet), body, body, "OK");
        } else if (kind < 26) {
            int nic = random.nextInt(Resources.NICS);
            resourcesUsed.add(Resources.SUBNETS + nic);
            String nsg = Resources.nsgOfNic(nic);
            String body = Bodies.nic(Resources.subnetId(nic % Resources.SUBNETS), nsg);
            write(t, who, Resources.nicId(nic), body, body, "OK");
        } else if (kind < 28) {
            int nsg = random.nextInt(Resources.NSGS);
            resourcesUsed.add(Resources.SUBNETS + Resources.NICS + nsg);
            write(t, who, Resources.nsgId(nsg), Bodies.TAGS,
                    Bodies.nsg(List.of(Resources.subnetId(nsg)), List.of()), "OK");
        } else {
            irrelevantOperations++;
            int resource = generalResource();
            String id = Resources.id(resource);
            if (kind < 700) {
                write(t, who, id, random.nextInt(3) == 0 ? Bodies.vm(random) : null, null, random.nextInt(20) == 0 ? "Created" : "OK");
            } else if (kind < 950) {
                String action = Resources.actionOf(resource);
                operation(t, who, Resources.operation(id, action), id, null, null, null, "Start", "Success");
            } else {
                operation(t, who, Resources.operation(id, "write"), id, Bodies.vm(random), null,
                        Bodies.QUOTA_ERROR, "Start", "Failure");
            }
        }
    }

    private int generalResource() {
        int general = settings.resources() - Resources.NETWORK;
        int resource = Resources.NETWORK + random.nextInt(Math.max(1, general));
        resourcesUsed.add(resource);
        return resource;
    }

    // ---------------------------------------------------------------- incidents

    private void injectIncidents(long spanMillis) {
        int total = settings.incidentsPerRule() * RULES.size();
        for (int i = 0; i < total; i++) {
            // spread over 5..75 % of the span: what follows moves the watermark past them
            long at = INCIDENT_LEAD + (long) ((spanMillis - INCIDENT_LEAD) * (0.05 + 0.70 * (i + 0.5) / total));
            String rule = RULES.get(i % RULES.size());
            incident(rule, i, at);
        }
    }

    private void incident(String rule, int n, long t) {
        Caller attacker = Caller.attacker(n);
        String group = "rg-incident-" + n;
        String sub = Resources.subscription(n);
        String nsg = "/subscriptions/" + sub + "/resourceGroups/" + group
                + "/providers/Microsoft.Network/networkSecurityGroups/nsg-incident-" + n;
        switch (rule) {
            case "nsg-deleted" -> {
                Row accept = delete(t, attacker, nsg, "Start", "Accept");
                expect("nsg-deleted", nsg, accept);
            }
            case "nsg-rule-changed" -> {
                String ruleId = nsg + "/securityRules/allow-rdp-any";
                List<Row> op = operation(t, attacker, "Microsoft.Network/networkSecurityGroups/securityRules/write", ruleId,
                        Bodies.OPEN_RDP, null, null, "Start", "Success");
                op.get(1).statusCode = "Created";
                expect("nsg-rule-changed", ruleId, op.get(1));
            }
            case "nsg-disassociated-then-deleted" -> {
                String subnet = "/subscriptions/" + sub + "/resourceGroups/" + group
                        + "/providers/Microsoft.Network/virtualNetworks/vnet-incident-" + n + "/subnets/app";
                String attached = Bodies.subnet("app", nsg);
                write(t - 2_000, Caller.of(n % settings.callers()), subnet, attached, attached, "OK");
                write(t - 1_000, attacker, subnet, Bodies.subnet("app", null), null, "OK");
                Row accept = delete(t, attacker, nsg, "Start", "Accept", "Success");
                expect("nsg-deleted", nsg, accept);
                expect("nsg-disassociated-then-deleted", nsg, accept);
            }
            case "nsg-forced-deletion" -> {
                String subnet = "/subscriptions/" + sub + "/resourceGroups/" + group
                        + "/providers/Microsoft.Network/virtualNetworks/vnet-incident-" + n + "/subnets/db";
                String nic = "/subscriptions/" + sub + "/resourceGroups/" + group
                        + "/providers/Microsoft.Network/networkInterfaces/vm-incident-" + n + "-nic";
                operation(t - 3_000, attacker, "Microsoft.Network/networkSecurityGroups/delete", nsg, null, null,
                        Bodies.nsgInUse(nsg, subnet, nic), "Start", "Failure");
                write(t - 2_000, attacker, subnet, Bodies.subnet("db", null), null, "OK");
                write(t - 1_000, attacker, nic, Bodies.nic(subnet, null), null, "OK");
                Row accept = delete(t, attacker, nsg, "Start", "Accept");
                expect("nsg-deleted", nsg, accept);
                expect("nsg-disassociated-then-deleted", nsg, accept);
                expect("nsg-forced-deletion", nsg, accept);
            }
            case "mass-deletion" -> {
                Row tenth = null;
                for (int i = 0; i < MASS_DELETIONS; i++) {
                    String vm = "/subscriptions/" + sub + "/resourceGroups/" + group
                            + "/providers/Microsoft.Compute/virtualMachines/vm-incident-" + n + "-" + i;
                    Row accept = delete(t - (MASS_DELETIONS - 1 - i) * 200L, attacker, vm, "Start", "Accept", "Success");
                    if (i == 9) {
                        tenth = accept;
                    }
                }
                expect("mass-deletion", attacker.objectId, tenth);
            }
            case "logging-disabled" -> {
                String setting = "/subscriptions/" + sub
                        + "/providers/microsoft.insights/diagnosticSettings/incident-export-" + n;
                Row success = delete(t, attacker, setting, "Start", "Success");
                expect("logging-disabled", setting, success);
            }
            case "logging-disabled-then-deletion" -> {
                String setting = "/subscriptions/" + sub
                        + "/providers/microsoft.insights/diagnosticSettings/incident-export-" + n;
                String backups = "/subscriptions/" + sub + "/resourceGroups/" + group
                        + "/providers/Microsoft.Storage/storageAccounts/stbackup" + n;
                Row disabled = delete(t - 2_000, attacker, setting, "Start", "Success");
                expect("logging-disabled", setting, disabled);
                Row deletion = delete(t, attacker, backups, "Start", "Accept");
                expect("logging-disabled-then-deletion", attacker.objectId, deletion);
            }
            default -> throw new IllegalArgumentException("no incident for " + rule);
        }
    }

    private void expect(String rule, String key, Row completing) {
        expectations.add(new Expectation(rule, key.toLowerCase(java.util.Locale.ROOT), completing));
    }

    private record Expectation(String rule, String key, Row completing) {}

    // ---------------------------------------------------------------- operations and rows

    /** A delete; returns its first completing row (Accept or Success). */
    private Row delete(long t, Caller who, String resourceId, String... phases) {
        List<Row> op = operation(t, who, Resources.operation(resourceId, "delete"), resourceId, null, null, null, phases);
        return op.get(1);
    }

    private void write(long t, Caller who, String resourceId, String request, String response, String status) {
        List<Row> op = operation(t, who, Resources.operation(resourceId, "write"), resourceId, request, response, null, "Start", "Success");
        op.get(1).statusCode = status;
    }

    /** The rows of one operation: Start a second before {@code t}, Accept at t, Success after. */
    private List<Row> operation(long t, Caller who, String operationName, String resourceId,
            String request, String response, String statusMessage, String... phases) {
        String correlation = new UUID(settings.seed() ^ 0x5eedL, correlations++).toString();
        boolean accepted = List.of(phases).contains("Accept");
        String ip = who.ip;
        List<Row> op = new ArrayList<>();
        for (String phase : phases) {
            Row row = new Row();
            row.time = switch (phase) {
                case "Start" -> t - 1_000;
                case "Success" -> accepted ? t + 3_000 : t;
                default -> t;
            };
            row.operationName = operationName;
            row.resourceId = resourceId;
            row.phase = phase;
            row.correlationId = correlation;
            row.caller = who;
            row.ip = ip;
            row.statusCode = switch (phase) {
                case "Start" -> "Started";
                case "Accept" -> "Accepted";
                case "Failure" -> "BadRequest";
                default -> "OK";
            };
            if (phase.equals("Start")) {
                row.requestBody = request;
            } else if (phase.equals("Success")) {
                row.responseBody = response;
            } else if (phase.equals("Failure")) {
                row.statusMessage = statusMessage;
            }
            op.add(row);
            rows.add(row);
        }
        return op;
    }

    /** At-least-once delivery: 2 % of the rows again, 1 to 5 seconds later (never after the last row). */
    private void duplicate() {
        int original = rows.size();
        long last = rows.stream().mapToLong(r -> r.time).max().orElse(0);
        for (int i = 0; i < original; i++) {
            if (random.nextInt(100) < 2) {
                Row copy = rows.get(i).copy();
                copy.delivery = Math.min(last, rows.get(i).time + 1_000 + random.nextInt(4_000));
                rows.add(copy);
                duplicates++;
            }
        }
    }

    /** Sorted by arrival; neighbours less than a second apart swap now and then (partitions). */
    private List<Row> deliveryOrder() {
        for (Row row : rows) {
            if (row.delivery == 0) {
                row.delivery = row.time;
            }
        }
        List<Row> delivery = new ArrayList<>(rows);
        delivery.sort(Comparator.comparingLong((Row r) -> r.delivery));
        for (int i = 0; i + 1 < delivery.size(); i++) {
            Row a = delivery.get(i);
            Row b = delivery.get(i + 1);
            if (random.nextInt(100) < 5 && b.delivery - a.delivery < 1_000 && !b.isDuplicate() && !a.isDuplicate()) {
                delivery.set(i, b);
                delivery.set(i + 1, a);
                i++;
            }
        }
        return delivery;
    }

    private GeneratedLog pack(List<Row> delivery, Instant base) {
        List<Envelope> envelopes = new ArrayList<>();
        long baseMillis = base.toEpochMilli();
        long bytes = 0;
        StringBuilder json = new StringBuilder(64 * 1024);
        for (int i = 0; i < delivery.size(); ) {
            int size = Math.min(delivery.size() - i, envelopeSize());
            json.setLength(0);
            json.append("{\"records\":[");
            for (int j = 0; j < size; j++) {
                Row row = delivery.get(i + j);
                row.envelope = envelopes.size();
                if (j > 0) {
                    json.append(',');
                }
                row.render(json, baseMillis);
            }
            json.append("]}");
            byte[] value = json.toString().getBytes(StandardCharsets.UTF_8);
            bytes += value.length;
            envelopes.add(new Envelope(value, delivery.get(i).delivery, size));
            i += size;
        }
        List<ExpectedFinding> expected = new ArrayList<>();
        for (Expectation e : expectations) {
            expected.add(new ExpectedFinding(e.rule(), e.key(), e.completing().envelope, e.completing().time));
        }
        Stats stats = new Stats(delivery.size(), operations, irrelevantOperations, duplicates,
                callersUsed.size(), resourcesUsed.size(), bytes);
        return new GeneratedLog(List.copyOf(envelopes), List.copyOf(expected), stats);
    }

    /** Mostly one to four records, sometimes a few dozen (a busy second of a busy tenant). */
    private int envelopeSize() {
        int roll = random.nextInt(100);
        if (roll < 85) {
            return 1 + random.nextInt(4);
        }
        if (roll < 98) {
            return 5 + random.nextInt(12);
        }
        return 17 + random.nextInt(32);
    }

    // ---------------------------------------------------------------- state loading

    /**
     * One successful operation that gives the rules one more key to track, by {@code i % 3}: a
     * subnet write and a NIC write that show their NSG ({@code nsg-attachments}), or a VM deleted by
     * a caller never seen before ({@code mass-deletion-distinct}, the caller-keyed CEP rules). Every
     * one is also a new operation for {@code deduplicate-operations}.
     */
    static byte[] keyLoadRecord(long i, Instant time) {
        Row row = new Row();
        row.time = 0;
        row.phase = "Success";
        row.statusCode = "OK";
        row.correlationId = new UUID(0x10adL, i).toString();
        int n = (int) (i / 3);
        switch ((int) (i % 3)) {
            case 0 -> {
                row.resourceId = Resources.subnetId(n);
                row.responseBody = Bodies.subnet(Resources.subnetName(n), Resources.nsgOf(n));
                row.caller = Caller.of(n % 10_000);
            }
            case 1 -> {
                row.resourceId = Resources.nicId(n);
                row.responseBody = Bodies.nic(Resources.subnetId(n), Resources.nsgOfNic(n));
                row.caller = Caller.of(n % 10_000);
            }
            default -> {
                row.resourceId = Resources.id(Resources.NETWORK + n);
                row.caller = Caller.of(n);
            }
        }
        row.operationName = Resources.operation(row.resourceId, i % 3 == 2 ? "delete" : "write");
        row.ip = row.caller.ip;
        StringBuilder json = new StringBuilder(2048).append("{\"records\":[");
        row.render(json, time.toEpochMilli());
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A VM write no rule cares about. */
    static byte[] ordinaryWrite(long i, Instant time) {
        Row row = new Row();
        row.phase = "Success";
        row.statusCode = "OK";
        row.correlationId = new UUID(0x3a7cL, i).toString();
        row.resourceId = Resources.id(Resources.NETWORK + (int) (i % 80_000) * 8);
        row.operationName = Resources.operation(row.resourceId, "write");
        row.caller = Caller.of((int) (i % 10_000));
        row.ip = row.caller.ip;
        StringBuilder json = new StringBuilder(2048).append("{\"records\":[");
        row.render(json, time.toEpochMilli());
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A record of another log category sharing the hub: parsed and skipped, nothing else. */
    static byte[] otherCategoryRecord(Instant time) {
        return ("{\"records\":[{\"time\":\"" + TIME.format(time)
                        + "\",\"category\":\"SignInLogs\",\"operationName\":\"Sign-in activity\",\"resourceId\":\"/tenants/"
                        + TENANT + "/providers/Microsoft.aadiam\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- one row

    private static final class Row {
        long time;
        long delivery;
        String operationName;
        String resourceId;
        String phase;
        String correlationId;
        Caller caller;
        String ip;
        String statusCode;
        String requestBody;
        String responseBody;
        String statusMessage;
        int envelope = -1;
        private boolean duplicate;

        Row copy() {
            Row copy = new Row();
            copy.time = time;
            copy.operationName = operationName;
            copy.resourceId = resourceId;
            copy.phase = phase;
            copy.correlationId = correlationId;
            copy.caller = caller;
            copy.ip = ip;
            copy.statusCode = statusCode;
            copy.requestBody = requestBody;
            copy.responseBody = responseBody;
            copy.statusMessage = statusMessage;
            copy.duplicate = true;
            return copy;
        }

        boolean isDuplicate() {
            return duplicate;
        }

        void render(StringBuilder out, long baseMillis) {
            Instant at = Instant.ofEpochMilli(baseMillis + time);
            String category = "Administrative";
            out.append("{\"time\":\"").append(TIME.format(at))
                    .append("\",\"resourceId\":\"").append(resourceId)
                    .append("\",\"operationName\":\"").append(operationName)
                    .append("\",\"category\":\"").append(category)
                    .append("\",\"resultType\":\"").append(phase)
                    .append("\",\"resultSignature\":\"").append(signature())
                    .append("\",\"durationMs\":").append(phase.equals("Start") ? 0 : 37 + (time % 900))
                    .append(",\"callerIpAddress\":\"").append(ip)
                    .append("\",\"correlationId\":\"").append(correlationId)
                    .append("\",\"level\":\"").append(phase.equals("Failure") ? "Error" : "Information")
                    .append("\",\"location\":\"").append(Resources.location(resourceId))
                    .append("\",\"tenantId\":\"").append(TENANT)
                    .append("\",\"identity\":");
            caller.renderIdentity(out, time, baseMillis);
            out.append(",\"properties\":{\"statusCode\":\"").append(statusCode)
                    .append("\",\"serviceRequestId\":\"").append(phase.equals("Start") ? "" : correlationId.substring(0, 24))
                    .append("\",\"eventCategory\":\"Administrative\",\"entity\":\"").append(resourceId)
                    .append("\",\"message\":\"").append(operationName)
                    .append("\",\"hierarchy\":\"").append(TENANT).append('/').append(Resources.subscriptionOf(resourceId)).append('"');
            if (requestBody != null) {
                out.append(",\"requestbody\":\"");
                escape(out, requestBody);
                out.append('"');
            }
            if (responseBody != null) {
                out.append(",\"responseBody\":\"");
                escape(out, responseBody);
                out.append('"');
            }
            if (statusMessage != null) {
                out.append(",\"statusMessage\":\"");
                escape(out, statusMessage);
                out.append('"');
            }
            out.append("},\"RoleLocation\":\"West Europe\"}");
        }

        private String signature() {
            return switch (phase) {
                case "Start" -> "Started.";
                case "Accept" -> "Accepted.";
                case "Failure" -> "Failed.BadRequest";
                default -> "Succeeded.";
            };
        }

        private static void escape(StringBuilder out, String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
    }

    // ---------------------------------------------------------------- callers

    /** A user (90 %) or a service principal, with the claims Activity Log records carry. */
    static final class Caller {
        final String objectId;
        final String upn;
        final String appId;
        final String ip;

        private Caller(String objectId, String upn, String appId, String ip) {
            this.objectId = objectId;
            this.upn = upn;
            this.appId = appId;
            this.ip = ip;
        }

        static Caller of(int i) {
            String objectId = String.format("%08x-1111-4222-8333-%012x", i, (long) i * 7919);
            String ip = "20." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            if (i % 10 == 9) {
                return new Caller(objectId, null, String.format("%08x-5a69-4788-9a0b-%012x", i, (long) i), ip);
            }
            return new Caller(objectId, "user" + i + "@contoso.com", null, ip);
        }

        static Caller attacker(int n) {
            return new Caller(String.format("bad0%04x-6666-4777-8888-%012x", n, (long) n), "intruder" + n + "@contoso.com", null,
                    "198.51.100." + (n % 250 + 1));
        }

        void renderIdentity(StringBuilder out, long time, long baseMillis) {
            long iat = (baseMillis + time) / 1000 - 300;
            out.append("{\"authorization\":{\"scope\":\"/subscriptions/").append(Resources.subscription(0))
                    .append("\",\"evidence\":{\"role\":\"")
                    .append(upn == null ? "Owner" : "Contributor")
                    .append("\",\"roleAssignmentId\":\"").append(objectId.replace("-", ""))
                    .append("\",\"roleDefinitionId\":\"b24988ac618042a0ab8820f7382dd24c\",\"principalId\":\"")
                    .append(objectId.replace("-", ""))
                    .append("\",\"principalType\":\"").append(upn == null ? "ServicePrincipal" : "User")
                    .append("\"}},\"claims\":{\"aud\":\"https://management.core.windows.net/\",\"iss\":\"https://sts.windows.net/")
                    .append(TENANT).append("/\",\"iat\":\"").append(iat).append("\",\"nbf\":\"").append(iat)
                    .append("\",\"exp\":\"").append(iat + 3900)
                    .append("\"")
                    .append(",\"http://schemas.microsoft.com/identity/claims/objectidentifier\":\"").append(objectId)
                    .append('"');
            if (upn != null) {
                out.append(",\"http://schemas.microsoft.com/claims/authnmethodsreferences\":\"pwd,mfa\"")
                        .append(",\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn\":\"").append(upn)
                        .append("\",\"name\":\"").append(upn)
                        .append("\",\"ipaddr\":\"").append(ip)
                        .append("\",\"idtyp\":\"user\"");
            } else {
                out.append(",\"appid\":\"").append(appId)
                        .append("\",\"appidacr\":\"1\",\"idtyp\":\"app\"");
            }
            out.append(",\"ver\":\"1.0\"}}");
        }
    }
}
