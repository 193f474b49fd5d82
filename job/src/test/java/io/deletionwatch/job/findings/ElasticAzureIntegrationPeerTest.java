package io.deletionwatch.job.findings;

import static io.deletionwatch.job.testing.ActivityRecords.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.rules.NsgDeletedRule;
import io.deletionwatch.job.rules.SingleEventFindings;
import io.deletionwatch.job.testing.CollectingParseOutput;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A finding and Elastic's own Azure integration agree on every fact both hold. The data is
 * Elastic's pipeline test of the {@code azure.activitylogs} data stream (source in {@code
 * src/test/resources/elastic-peer/SOURCES.txt}): each expected document keeps its input record in
 * {@code event.original}; the test runs that record through the job's parser and finding document
 * and compares field by field.
 *
 * <p>Elastic fields the findings deliberately do not carry: {@code event.kind} (a finding is an
 * {@code alert}), {@code event.type} (the rule's), {@code event.original} and {@code ecs.version};
 * {@code log.level}, {@code event.duration}, {@code azure.activitylogs.category},
 * {@code event_category} and {@code result_signature} (the job does not read them from the record).
 */
class ElasticAzureIntegrationPeerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The integration's current layout (azure.resource_provider, azure.correlation.id). */
    private static final String CURRENT = "/elastic-peer/test-activitylogs-mixedcase-resourceid.log-expected.json";
    /** Its earlier layout, still what older integration versions write: a service principal's call. */
    private static final String EARLIER = "/elastic-peer/test-activitylogs-raw.log-expected.json";

    /** Every ECS or azure.* field both write for the same fact, compared where Elastic has it. */
    private static final List<String> SHARED_FIELDS =
            List.of(
                    "event.action",
                    "event.outcome",
                    "geo.name",
                    "cloud.provider",
                    "cloud.account.id",
                    "cloud.resource_id",
                    "azure.subscription_id",
                    "azure.resource.name",
                    "azure.resource_group.name",
                    "azure.resource_provider.namespace",
                    "azure.correlation.id",
                    "azure.correlation_id",
                    "azure.resource.id",
                    "azure.tenant.id",
                    "azure.activitylogs.operation_name",
                    "azure.activitylogs.result_type",
                    "azure.activitylogs.identity.claims.appid",
                    "related.entity",
                    "source.ip",
                    "related.ip",
                    "user.name",
                    "user.domain",
                    "user.email");

    private static List<JsonNode> expected(String file) throws IOException {
        try (InputStream in = ElasticAzureIntegrationPeerTest.class.getResourceAsStream(file)) {
            List<JsonNode> documents = new ArrayList<>();
            JSON.readTree(in).path("expected").forEach(documents::add);
            return documents;
        }
    }

    private static ObjectNode findingOf(String record) {
        CollectingParseOutput out = new CollectingParseOutput();
        new ActivityLogParser().parse(kafka(0, record), out);
        assertThat(out.deadLetters).as(record).isEmpty();
        assertThat(out.events).as(record).hasSize(1);
        ActivityEvent event = out.events.get(0);
        Finding finding =
                SingleEventFindings.of(
                        NsgDeletedRule.DEFINITION, Severity.HIGH, event,
                        "peer", List.of(event), FindingDetails.NONE);
        return FindingDocument.toJson(finding);
    }

    private static JsonNode at(JsonNode document, String field) {
        return document.at("/" + field.replace('.', '/'));
    }

    /** Compares every shared field Elastic has; returns how many comparisons were made. */
    private static int compareAll(List<JsonNode> expected) {
        int compared = 0;
        for (JsonNode elastic : expected) {
            String record = elastic.at("/event/original").asText();
            ObjectNode ours = findingOf(record);
            for (String field : SHARED_FIELDS) {
                JsonNode theirs = at(elastic, field);
                if (theirs.isMissingNode()) {
                    continue;
                }
                assertThat(at(ours, field)).as(field + " of " + record).isEqualTo(theirs);
                compared++;
            }
            // Elastic's date processor keeps milliseconds; the job keeps what the record says.
            assertThat(Instant.parse(ours.path("@timestamp").asText()).truncatedTo(ChronoUnit.MILLIS))
                    .isEqualTo(Instant.parse(elastic.path("@timestamp").asText()));
            // Neither side names a caller it only knows by ids.
            assertThat(at(ours, "user.name").isMissingNode()).isEqualTo(at(elastic, "user.name").isMissingNode());
        }
        return compared;
    }

    @Test
    void everyFactTheCurrentIntegrationHoldsLandsInTheSameFieldWithTheSameValue() throws IOException {
        List<JsonNode> expected = expected(CURRENT);
        assertThat(expected).hasSize(2);
        // 14 fields in the first document, 10 in the second: the comparison cannot pass empty.
        assertThat(compareAll(expected)).isEqualTo(24);
    }

    @Test
    void aServicePrincipalsAppIdHasItsOwnFieldAndNoUserNameAsInTheEarlierLayout() throws IOException {
        List<JsonNode> expected = expected(EARLIER);
        assertThat(expected).hasSize(1);
        // event.action, cloud.provider, subscription, correlation_id, resource.id, operation
        // name, result type, app id, source.ip, related.ip.
        assertThat(compareAll(expected)).isEqualTo(10);
        assertThat(at(findingOf(expected.get(0).at("/event/original").asText()), "user.name").isMissingNode())
                .isTrue();
    }

    @Test
    void aUserPrincipalNameIsSplitAsElasticsGrokSplitsIt() {
        assertThat(ElasticAzureFields.split("alice@contoso.com"))
                .isEqualTo(new ElasticAzureFields.UserName("alice", "contoso.com"));
        assertThat(ElasticAzureFields.split("first.last_ext@fabrikam.onmicrosoft.com"))
                .isEqualTo(new ElasticAzureFields.UserName("first.last_ext", "fabrikam.onmicrosoft.com"));
        assertThat(ElasticAzureFields.split("Michell Lan@zzzz.com")).isNull();
        assertThat(ElasticAzureFields.split(null)).isNull();
    }

    @Test
    void aRegionIsALocationThatNamesOne() {
        assertThat(ElasticAzureFields.region("West Europe")).isEqualTo("westeurope");
        assertThat(ElasticAzureFields.region("eastus2")).isEqualTo("eastus2");
        assertThat(ElasticAzureFields.region("global")).isNull();
        assertThat(ElasticAzureFields.region("GB")).isNull();
        assertThat(ElasticAzureFields.region(null)).isNull();
    }
}
