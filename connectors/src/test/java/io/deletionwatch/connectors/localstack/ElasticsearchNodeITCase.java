package io.deletionwatch.connectors.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.InfoResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The local Elasticsearch node: a real server that clients can use, stop and restart. */
class ElasticsearchNodeITCase {
    @RegisterExtension
    static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @Test
    void answersTheRootEndpointSoClientsCanPingAndIdentifyIt() throws Exception {
        InfoResponse info = ES.client().info();

        assertThat(ES.client().ping().value()).isTrue();
        assertThat(info.version().number()).isEqualTo(ElasticsearchNode.VERSION);
        assertThat(info.version().luceneVersion()).isEqualTo("10.5.1");
        assertThat(info.clusterName()).isEqualTo("deletion-watch-local");
        assertThat(info.tagline()).isEqualTo("You Know, for Search");
        assertThat(ES.node().httpHost()).isEqualTo("127.0.0.1");
        assertThat(ES.url()).isEqualTo("http://127.0.0.1:" + ES.node().port());
    }

    @Test
    void aKilledNodeRestartsOnTheSamePortWithItsDocuments() throws Exception {
        ElasticsearchNode node = ElasticsearchNode.start();
        try {
            int port = node.port();
            try (ElasticsearchTestClient client = ElasticsearchTestClient.connect(node.httpUrl())) {
                client.client()
                        .index(
                                i ->
                                        i.index("restart-check")
                                                .id("one")
                                                .document(
                                                        Map.of("message", "kept across a restart"))
                                                .refresh(Refresh.True));
            }
            long killedPid = node.pid();
            node.kill();
            assertThat(node.isAlive()).isFalse();

            node = node.restart();

            assertThat(node.pid()).isNotEqualTo(killedPid);
            assertThat(node.port()).isEqualTo(port);
            try (ElasticsearchTestClient client = ElasticsearchTestClient.connect(node.httpUrl())) {
                ObjectNode expected = new ObjectMapper().createObjectNode();
                expected.put("message", "kept across a restart");
                assertThat(client.get("restart-check", "one")).contains(expected);
                assertThat(client.count("restart-check")).isEqualTo(1);
            }
        } finally {
            node.close();
        }
        assertThat(node.isAlive()).isFalse();
        assertThat(node.dataDir()).doesNotExist();
    }
}
