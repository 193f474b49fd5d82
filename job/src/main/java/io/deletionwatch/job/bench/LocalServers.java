package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.localstack.ElasticsearchNode;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A real KRaft broker and a real Elasticsearch node, started side by side, as {@code local} does. */
final class LocalServers implements AutoCloseable {
    final KafkaBroker broker;
    final ElasticsearchNode elasticsearch;

    private LocalServers(KafkaBroker broker, ElasticsearchNode elasticsearch) {
        this.broker = broker;
        this.elasticsearch = elasticsearch;
    }

    static LocalServers start() throws Exception {
        CompletableFuture<ElasticsearchNode> es =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return ElasticsearchNode.start();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        KafkaBroker broker;
        try {
            broker = KafkaBroker.builder().maxHeap("1g").start();
        } catch (IOException e) {
            es.thenAccept(LocalServers::closeQuietly);
            throw e;
        }
        try {
            return new LocalServers(broker, es.join());
        } catch (CompletionException e) {
            closeQuietly(broker);
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The job's Kafka options for a topic of the local broker: plaintext, from the earliest offsets. */
    KafkaSourceOptions kafkaSource(String topic, String group) {
        return KafkaSourceOptions.builder()
                .bootstrapServers(broker.plaintextBootstrap())
                .topic(topic)
                .groupId(group)
                .security(KafkaSourceOptions.Security.NONE)
                .startingOffsets(KafkaSourceOptions.StartingOffsets.EARLIEST)
                .build();
    }

    @Override
    public void close() {
        closeQuietly(broker);
        closeQuietly(elasticsearch);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("deletion-watch bench: while stopping " + closeable + ": " + e.getMessage());
        }
    }
}
