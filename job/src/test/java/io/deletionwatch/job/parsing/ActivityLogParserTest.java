package io.deletionwatch.job.parsing;

import static io.deletionwatch.job.testing.ActivityRecords.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.Caller;
import io.deletionwatch.job.events.Outcome;
import io.deletionwatch.job.testing.CollectingParseOutput;
import io.deletionwatch.job.testing.Samples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityLogParserTest {
    private final ActivityLogParser parser = new ActivityLogParser(10_000);

    private CollectingParseOutput parse(KafkaRecord record) {
        CollectingParseOutput out = new CollectingParseOutput();
        parser.parse(record, out);
        return out;
    }

    private CollectingParseOutput parse(String payload) {
        return parse(kafka(42, payload));
    }

    @Test
    void shouldReadEveryRecordOfAnEventHubsEnvelope() {
        CollectingParseOutput out = parse(Samples.record("beats_activity_log_envelope.json"));

        assertThat(out.deadLetters).isEmpty();
        assertThat(out.events).hasSize(2);
        ActivityEvent start = out.events.get(0);
        assertThat(start.time()).isEqualTo(Instant.parse("2019-10-04T10:38:37.5151977Z"));
        assertThat(start.operation())
                .isEqualTo("microsoft.eventhub/namespaces/authorizationrules/listkeys/action");
        assertThat(start.operationName())
                .isEqualTo("MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION");
        assertThat(start.phase()).isEqualTo("Start");
        assertThat(start.outcome()).isEqualTo(Outcome.IN_PROGRESS);
        assertThat(start.resource().subscriptionId()).isEqualTo("2a7e2503-d7e2-405a-a84c-c333b9f7cb73");
        assertThat(start.resource().resourceGroup()).isEqualTo("SA-HEMANT");
        assertThat(start.resource().provider()).isEqualTo("microsoft.eventhub");
        assertThat(start.resource().type()).isEqualTo("namespaces/authorizationrules");
        assertThat(start.resource().name()).isEqualTo("ROOTMANAGESHAREDACCESSKEY");
        assertThat(start.callerIp()).isEqualTo("51.191.161.11");
        // No upn or name claims: the app id names the service principal.
        assertThat(start.caller())
                .isEqualTo(
                        new Caller(
                                "2a7e2503-d7e2-405a-a84c-c333b9f7cb73",
                                "2a7e2503-d7e2-405a-a84c-c333b9f7cb73",
                                null,
                                "2a7e2503-d7e2-405a-a84c-c333b9f7cb73",
                                Caller.SERVICE_PRINCIPAL));
        ActivityEvent failure = out.events.get(1);
        assertThat(failure.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(failure.statusMessage()).contains("ResourceNotFound");
    }

    @Test
    void shouldReadMicrosoftsDocumentedPayloadWithAUserCaller() {
        CollectingParseOutput out = parse(Samples.record("msdocs_activity_log_eventhub_example.json"));

        assertThat(out.events).hasSize(1);
        ActivityEvent event = out.events.get(0);
        assertThat(event.time()).isEqualTo(Instant.parse("2019-01-21T22:14:26.9792776Z"));
        assertThat(event.caller().id()).isEqualTo("2468adf0-8211-44e3-95xq-85137af64708");
        assertThat(event.caller().name()).isEqualTo("admin@contoso.com");
        assertThat(event.caller().email()).isEqualTo("admin@contoso.com");
        assertThat(event.caller().principalType()).isEqualTo(Caller.USER);
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.statusCode()).isEqualTo("Created");
    }

    @Test
    void shouldReadABareRecordWithExtraTopLevelFields() {
        CollectingParseOutput out = parse(Samples.record("dynatrace_rg_delete_success.json"));

        assertThat(out.deadLetters).isEmpty();
        assertThat(out.events).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo("microsoft.resources/subscriptions/resourcegroups/delete");
            assertThat(event.isDelete()).isTrue();
            assertThat(event.succeeded()).isTrue();
            assertThat(event.resource().type()).isEqualTo("resourcegroups");
            assertThat(event.resource().provider()).isEqualTo("microsoft.resources");
        });
    }

    @Test
    void shouldReadRequestBodiesGivenAsStringsAndAsObjectsAlike() {
        List<String> lines =
                new String(Samples.bytes("elastic_integrations_test-activitylogs-raw.log"), StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> !l.isBlank())
                        .toList();
        assertThat(lines).hasSize(3);
        CollectingParseOutput stringBody = parse(lines.get(1));
        CollectingParseOutput objectBody = parse(lines.get(2));

        assertThat(stringBody.events).singleElement().satisfies(e -> assertThat(e.category()).isEqualTo("ResourceHealth"));
        assertThat(objectBody.events).hasSize(1);
        assertThat(stringBody.events.get(0).requestBody()).isNotNull().startsWith("{");
        assertThat(objectBody.events.get(0).requestBody()).isNotNull().startsWith("{");
    }

    @Test
    void shouldAcceptAllPantherRecordsWhateverTheCase() {
        List<String> lines =
                new String(Samples.bytes("panther_azure_activity_test_events.jsonl"), StandardCharsets.UTF_8)
                        .lines().filter(l -> !l.isBlank()).toList();
        long nsgDeletes = 0;
        for (String line : lines) {
            String record = line.substring(line.indexOf("\"record\":") + 9, line.lastIndexOf('}'));
            CollectingParseOutput out = parse(record);
            assertThat(out.deadLetters).as(line).isEmpty();
            assertThat(out.events).as(line).hasSize(1);
            ActivityEvent event = out.events.get(0);
            assertThat(event.operation()).isEqualTo(event.operationName().toLowerCase());
            assertThat(event.caller()).isEqualTo(Caller.NONE);
            if (event.operation().equals("microsoft.network/networksecuritygroups/delete")) {
                nsgDeletes++;
                assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
            }
        }
        assertThat(lines).hasSize(20);
        assertThat(nsgDeletes).isEqualTo(2); // "Success" and "Succeeded"
    }

    @Test
    void shouldReadIdentityAndPropertiesThatArriveAsJsonStrings() {
        String payload =
                "{\"time\":\"2026-03-01T10:00:00.1234567Z\",\"resourceId\":\"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1\","
                        + "\"operationName\":\"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DELETE\",\"resultType\":\"Accept\",\"Level\":4,\"durationMs\":\"17\",\"\":\"\","
                        + "\"identity\":\"{\\\"claims\\\":{\\\"http://schemas.microsoft.com/identity/claims/objectidentifier\\\":\\\"OID-1\\\",\\\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\\\":\\\" bob@contoso.com\\\"}}\","
                        + "\"properties\":\"{\\\"statusCode\\\":\\\"Accepted\\\",\\\"requestbody\\\":\\\"\\\"}\"}";
        CollectingParseOutput out = parse(payload);

        assertThat(out.deadLetters).isEmpty();
        ActivityEvent event = out.events.get(0);
        assertThat(event.caller().id()).isEqualTo("oid-1");
        assertThat(event.caller().name()).isEqualTo("bob@contoso.com");
        assertThat(event.caller().email()).isNull();
        assertThat(event.statusCode()).isEqualTo("Accepted");
        assertThat(event.requestBody()).isNull();
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.resource().key())
                .isEqualTo("/subscriptions/s1/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg1");
        assertThat(event.time()).isEqualTo(Instant.parse("2026-03-01T10:00:00.1234567Z"));
    }

    @Test
    void shouldTakeTheCallerFromEvidenceWhenClaimsLackAnObjectId() {
        String payload =
                "{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"x/delete\",\"resultType\":\"Success\","
                        + "\"identity\":{\"authorization\":{\"evidence\":{\"principalId\":\"ABC\",\"principalType\":\"ServicePrincipal\"}},"
                        + "\"claims\":{\"appid\":\"app-1\",\"xms_mirid\":\"/subscriptions/s1/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi\"}}}";

        Caller caller = parse(payload).events.get(0).caller();

        assertThat(caller).isEqualTo(new Caller("abc", "app-1", null, "app-1", Caller.MANAGED_IDENTITY));
    }

    @Test
    void shouldNameAMicrosoftFirstPartyAppWhenTheTokenCarriesOnlyItsAppId() {
        String payload =
                "{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"x/delete\",\"resultType\":\"Success\","
                        + "\"identity\":{\"claims\":{\"appid\":\"04B07795-8DDB-461A-BBEE-02F9E1BF7B46\","
                        + "\"http://schemas.microsoft.com/identity/claims/objectidentifier\":\"0B1\"}}}";

        Caller caller = parse(payload).events.get(0).caller();

        assertThat(caller.name()).isEqualTo("Microsoft Azure CLI");
        assertThat(caller.appId()).isEqualTo("04B07795-8DDB-461A-BBEE-02F9E1BF7B46");
        assertThat(caller.id()).isEqualTo("0b1");
    }

    @Test
    void shouldReadAnArrayOfRecordsAndDeadLetterOnlyTheBadElement() {
        CollectingParseOutput out =
                parse("[{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"a/delete\"}, 7,"
                        + " {\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"a/delete\"}]");

        assertThat(out.events).hasSize(1);
        assertThat(out.deadLetters).extracting(DeadLetter::reason).containsExactly("not_a_record", "missing_time");
        assertThat(new String(out.deadLetters.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("7");
        assertThat(new String(out.deadLetters.get(1).payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"a/delete\"}");
        assertThat(out.deadLetters.get(1).topic()).isEqualTo("insights-activity-logs");
        assertThat(out.deadLetters.get(1).offset()).isEqualTo(42L);
        assertThat(out.deadLetters.get(1).partition()).isEqualTo(0);
        assertThat(out.deadLetters.get(1).stage()).isEqualTo("parse");
    }

    @Test
    void shouldDeadLetterTwoRecordsInOneKafkaRecordRatherThanDropTheSecond() {
        String one = "{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/subscriptions/s1\",\"operationName\":\"a/delete\"}";
        String payload = one + "\n" + one.replace("a/delete", "b/delete");

        CollectingParseOutput out = parse(payload);

        assertThat(out.events).isEmpty();
        assertThat(out.deadLetters).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("invalid_json");
            assertThat(d.payload()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void shouldSkipOtherLogCategoriesWithoutDeadLettering() {
        CollectingParseOutput out =
                parse("{\"records\":[{\"time\":\"2026-03-01T10:00:00Z\",\"category\":\"SignInLogs\",\"operationName\":\"Sign-in activity\",\"resourceId\":\"/tenants/t/providers/Microsoft.aadiam\"},"
                        + "{\"time\":\"2026-03-01T10:00:00Z\",\"category\":\"NetworkSecurityGroupEvent\",\"operationName\":\"NetworkSecurityGroupEvents\",\"resourceId\":\"/x\"}]}");

        assertThat(out.events).isEmpty();
        assertThat(out.deadLetters).isEmpty();
        assertThat(out.skipped).containsExactly("SignInLogs", "NetworkSecurityGroupEvent");
    }

    @Test
    void shouldDeadLetterEveryKindOfUnusablePayloadWithItsReason() {
        assertThat(reasons("")).containsExactly("empty_payload");
        assertThat(reasons("  \n")).containsExactly("empty_payload");
        assertThat(reasons("{\"records\":[{\"time\":")).containsExactly("invalid_json");
        assertThat(reasons("\"just a string\"")).containsExactly("not_a_record");
        assertThat(reasons("{\"records\":{\"time\":1}}")).containsExactly("invalid_envelope");
        assertThat(reasons("{\"time\":\"yesterday\",\"resourceId\":\"/x\",\"operationName\":\"a/delete\"}"))
                .containsExactly("invalid_time");
        assertThat(reasons("{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/x\"}")).containsExactly("missing_operation");
        assertThat(reasons("{\"time\":\"2026-03-01T10:00:00Z\",\"operationName\":\"a/delete\"}")).containsExactly("missing_resource_id");
        assertThat(reasons("[".repeat(300) + "]".repeat(300))).containsExactly("invalid_json");
        assertThat(reasons("{\"records\":[]}")).isEmpty();
    }

    @Test
    void shouldKeepAPayloadThatIsNotUtf8ByteForByte() {
        byte[] binary = {(byte) 0xff, (byte) 0xfe, '{', 0, (byte) 0xc3};
        CollectingParseOutput out = parse(new KafkaRecord("t", 3, 9, 0, binary));

        assertThat(out.deadLetters).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("invalid_encoding");
            assertThat(d.payload()).isEqualTo(binary);
            assertThat(d.partition()).isEqualTo(3);
            assertThat(d.offset()).isEqualTo(9L);
        });
    }

    @Test
    void shouldDeadLetterARecordAboveTheSizeLimitWithoutParsingIt() {
        byte[] big = new byte[10_001];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';

        assertThat(parse(new KafkaRecord("t", 0, 1, 0, big)).deadLetters)
                .singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo("too_large"));
    }

    @Test
    void shouldReadTimesWithoutAZoneAsUtc() {
        assertThat(ActivityLogParser.parseTime("2024-12-17T10:30:00.0000000"))
                .isEqualTo(Instant.parse("2024-12-17T10:30:00Z"));
        assertThat(ActivityLogParser.parseTime("2024-12-17T10:30:00+02:00"))
                .isEqualTo(Instant.parse("2024-12-17T08:30:00Z"));
    }

    @Test
    void shouldCountADeleteAsDoneOnSuccessOrOnAcceptOfTheAsyncDelete() {
        assertThat(ActivityLogParser.outcome("a/delete", "Success", "OK")).isEqualTo(Outcome.SUCCESS);
        assertThat(ActivityLogParser.outcome("a/delete", "Accept", "Accepted")).isEqualTo(Outcome.SUCCESS);
        assertThat(ActivityLogParser.outcome("a/delete", "Start", null)).isEqualTo(Outcome.IN_PROGRESS);
        assertThat(ActivityLogParser.outcome("a/write", "Accept", "Accepted")).isEqualTo(Outcome.IN_PROGRESS);
        assertThat(ActivityLogParser.outcome("a/delete", "Failure", "BadRequest")).isEqualTo(Outcome.FAILURE);
        assertThat(ActivityLogParser.outcome("a/delete", "Updated", null)).isEqualTo(Outcome.OTHER);
    }

    private List<String> reasons(String payload) {
        CollectingParseOutput out = parse(payload);
        assertThat(out.events).as(payload).isEmpty();
        return out.deadLetters.stream().map(DeadLetter::reason).toList();
    }
}
