package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Elastic Security's prebuilt "External Alerts" rule (elastic/detection-rules,
 * rules/promotions/external_alerts.toml, rule_id eb079c62-4481-4d6e-9643-3ca499df7aaa) promotes
 * findings: it runs every minute over {@code from = now-2m} with {@code timestamp_override =
 * event.ingested}. Its index patterns and query are run here as Elasticsearch query DSL on a real
 * node, over findings the sink writes whose {@code @timestamp} (the Azure event) is 15 and 20
 * minutes old, as the Activity Log delivers them.
 */
class ExternalAlertsITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    /** The rule's {@code index}, as it ships. */
    static final List<String> INDEX_PATTERNS =
            List.of("apm-*-transaction*", "traces-apm*", "auditbeat-*", "filebeat-*", "logs-*", "packetbeat-*", "winlogbeat-*");

    @Test
    void externalAlertsFindsEveryLateFindingByEventIngestedWithinItsTwoMinuteLookBack() throws Exception {
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        ElasticsearchSinkOptions options =
                ES.sinkOptions()
                        .dataStream("logs-deletion_watch.findings-" + namespace)
                        .deadLetterDataStream("logs-deletion_watch.deadletter-" + namespace)
                        .build();
        Instant now = Instant.now();
        List<IndexedDocument> late =
                List.of(
                        at(SampleFindings.json(1), now.minus(Duration.ofMinutes(15))),
                        at(SampleFindings.json(2), now.minus(Duration.ofMinutes(20))));
        try (BulkIndexer indexer =
                new BulkIndexer(options, ElasticsearchClients.create(options), SinkMetrics.unregistered(), Clock.systemUTC())) {
            for (IndexedDocument finding : late) {
                indexer.add(finding);
            }
            indexer.flush();
        }
        ES.refresh(options.dataStream());

        List<String> promoted = externalAlerts("event.ingested", namespace);

        assertThat(promoted).containsExactlyInAnyOrder(SampleFindings.id(1), SampleFindings.id(2));
        // Without event.ingested the rule falls back to @timestamp, and these are out of its window.
        assertThat(externalAlerts("@timestamp", namespace)).isEmpty();
        ObjectNode stored = ES.get(options.dataStream(), SampleFindings.id(1)).orElseThrow();
        Instant ingested = Instant.parse(stored.at("/event/ingested").asText());
        assertThat(ingested).isBetween(now.minusSeconds(1), Instant.now());
    }

    /**
     * The rule's query, {@code event.kind:alert and not event.module:(endgame or endpoint or
     * cloud_defend) and not data_stream.dataset:(m365_defender.alert or m365_defender.incident)},
     * over {@code now-2m} on the rule's time field; narrowed to this test's data stream.
     */
    private static List<String> externalAlerts(String timeField, String namespace) throws Exception {
        Query query =
                Query.of(q -> q.bool(b -> b
                        .filter(f -> f.term(t -> t.field("event.kind").value("alert")))
                        .filter(f -> f.range(r -> r.untyped(u -> u.field(timeField).gte(JsonData.of("now-2m")).lte(JsonData.of("now")))))
                        .mustNot(m -> m.terms(t -> t.field("event.module").terms(v -> v.value(List.of(
                                FieldValue.of("endgame"),
                                FieldValue.of("endpoint"),
                                FieldValue.of("cloud_defend"))))))
                        .mustNot(m -> m.terms(t -> t.field("data_stream.dataset").terms(v -> v.value(List.of(
                                FieldValue.of("m365_defender.alert"),
                                FieldValue.of("m365_defender.incident"))))))));
        return ES.client()
                .search(
                        s -> s.index(INDEX_PATTERNS)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .query(query)
                                .size(1000),
                        JsonNode.class)
                .hits()
                .hits()
                .stream()
                .filter(hit -> hit.index().contains(namespace))
                .map(hit -> hit.id())
                .toList();
    }

    private static IndexedDocument at(ObjectNode finding, Instant time) throws Exception {
        finding.put("@timestamp", time.toString());
        return new IndexedDocument(
                finding.at("/event/id").asText(), SampleFindings.MAPPER.writeValueAsBytes(finding));
    }
}
