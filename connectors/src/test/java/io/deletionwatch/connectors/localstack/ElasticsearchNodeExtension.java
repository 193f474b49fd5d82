package io.deletionwatch.connectors.localstack;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives tests a real Elasticsearch node: ONE per test JVM, started by the first test class that
 * uses it and stopped when the JVM's tests are done (it lives in the root store), plus a client and
 * small helpers. Data streams cannot be deleted on this node, so each test writes to its own:
 * {@link #uniqueNamespace()} gives a fresh data-stream namespace.
 *
 * <pre>{@code
 * @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();
 * }</pre>
 */
public final class ElasticsearchNodeExtension implements BeforeAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchNodeExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ElasticsearchNodeExtension.class);

    private SharedNode shared;

    /** The node and its client, closed by JUnit when the root context closes. */
    private static final class SharedNode implements AutoCloseable {
        final ElasticsearchNode node;
        final ElasticsearchTestClient testClient;

        SharedNode(ElasticsearchNode node, ElasticsearchTestClient testClient) {
            this.node = node;
            this.testClient = testClient;
        }

        static SharedNode start() {
            long started = System.nanoTime();
            ElasticsearchNode node = null;
            try {
                ElasticsearchNode.Options options = ElasticsearchNode.Options.defaults();
                Path target = Path.of("target");
                if (Files.isDirectory(target)) {
                    options = options.withLogFile(target.resolve("elasticsearch-node.log"));
                }
                node = ElasticsearchNode.start(options);
                ElasticsearchTestClient client = ElasticsearchTestClient.connect(node.httpUrl());
                LOG.info(
                        "Elasticsearch node for the tests: {} (started in {} ms), log {}",
                        node,
                        (System.nanoTime() - started) / 1_000_000,
                        node.log());
                return new SharedNode(node, client);
            } catch (IOException | RuntimeException e) {
                if (node != null) {
                    try {
                        node.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw new IllegalStateException(
                        "cannot start the Elasticsearch node for the tests", e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                testClient.close();
            } finally {
                node.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shared =
                context.getRoot()
                        .getStore(NAMESPACE)
                        .getOrComputeIfAbsent(
                                SharedNode.class, key -> SharedNode.start(), SharedNode.class);
    }

    public ElasticsearchNode node() {
        return shared().node;
    }

    public ElasticsearchClient client() {
        return shared().testClient.client();
    }

    public ElasticsearchTestClient testClient() {
        return shared().testClient;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return node().httpUrl();
    }

    /** Sink options pointing at the node, with the defaults otherwise. */
    public ElasticsearchSinkOptions.Builder sinkOptions() {
        return ElasticsearchSinkOptions.builder().hosts(url());
    }

    /** A data-stream namespace no other test uses, e.g. {@code t3f2a...}. */
    public static String uniqueNamespace() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Makes everything written to {@code index} so far searchable. */
    public void refresh(String index) {
        shared().testClient.refresh(index);
    }

    /** The number of documents in {@code index} (0 when it does not exist), after a refresh. */
    public long count(String index) {
        return shared().testClient.count(index);
    }

    /** The documents of {@code index} (up to 10,000) matching a query-string query. */
    public List<Document> search(String index, String query) {
        return shared().testClient.search(index, query);
    }

    /** All documents of {@code index}. */
    public List<Document> all(String index) {
        return shared().testClient.all(index);
    }

    /** The document with this {@code _id}. */
    public Optional<ObjectNode> get(String index, String id) {
        return shared().testClient.get(index, id);
    }

    /** The names of the composable index templates installed. */
    public List<String> templateNames() {
        return shared().testClient.templateNames();
    }

    private SharedNode shared() {
        if (shared == null) {
            throw new IllegalStateException(
                    "register ElasticsearchNodeExtension as a static field with"
                        + " @RegisterExtension");
        }
        return shared;
    }
}
