package io.deletionwatch.job.testing;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.KafkaSourceOptions;

/**
 * The production job's options against the test's servers, as {@code run} builds them: the
 * broker's Event Hubs (SASL_SSL) listener with the connection string from the environment (the
 * broker must take it from there too: {@code KafkaBrokerExtension.withConnectionStringFromEnvironment()}),
 * and data streams of the test's own namespace.
 */
public final class EventHubsJobOptions {
    private EventHubsJobOptions() {}

    /** Reads {@code topic} from the earliest offset as consumer group {@code group}. */
    public static KafkaSourceOptions kafka(KafkaBroker broker, String topic, String group) {
        return KafkaSourceOptions.builder()
                .bootstrapServers(broker.eventHubsBootstrap())
                .topic(topic)
                .groupId(group)
                .startingOffsets(KafkaSourceOptions.StartingOffsets.EARLIEST)
                .security(KafkaSourceOptions.Security.EVENTHUBS)
                .truststore(broker.truststorePath(), Secret.file(broker.truststorePasswordFile().toString()))
                .build();
    }

    /** The connection string as {@code run} reads it, so the job carries only its reference. */
    public static EventHubsConnectionString connectionString() {
        return EventHubsConnectionString.fromEnvironment()
                .orElseThrow(() -> new IllegalStateException(
                        EventHubsConnectionString.ENVIRONMENT_VARIABLE + " is unset: failsafe sets it (root pom.xml)"));
    }

    /** Findings and dead letters to {@code logs-deletion_watch.*-<namespace>} at {@code url}. */
    public static ElasticsearchSinkOptions.Builder sink(String url, String namespace) {
        return ElasticsearchSinkOptions.builder()
                .hosts(url)
                .dataStream("logs-deletion_watch.findings-" + namespace)
                .deadLetterDataStream("logs-deletion_watch.deadletter-" + namespace);
    }
}
