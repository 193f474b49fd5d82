package io.deletionwatch.connectors.source;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.eventhubs.EventHubClientBuilder;

import io.deletionwatch.connectors.elasticsearch.Secret;

import java.time.Duration;

/**
 * Makes the Event Hubs SDK's clients where they run (the enumerator on the JobManager, the readers
 * on the TaskManagers), reading the connection string there from its environment variable or file:
 * the secret never travels inside the job.
 */
final class EventHubsAmqpClients {
    private EventHubsAmqpClients() {}

    /** The event hub read: the options' one, else the connection string's EntityPath. */
    static String eventHub(EventHubsAmqpOptions options, EventHubsConnectionString connection) {
        String entityPath = connection.entityPath().orElse(null);
        if (entityPath != null
                && options.eventHub() != null
                && !options.eventHub().equalsIgnoreCase(entityPath)) {
            throw new IllegalArgumentException(
                    "the connection string is scoped to event hub '"
                            + entityPath
                            + "' (EntityPath) but the event hub to read is '"
                            + options.eventHub()
                            + "'");
        }
        String hub = options.eventHub() != null ? options.eventHub() : entityPath;
        if (hub == null) {
            throw new IllegalArgumentException(
                    "give the event hub to read, e.g. insights-activity-logs, or a connection"
                            + " string with EntityPath");
        }
        return hub;
    }

    /** A client builder for the options, with the connection string read from {@code origin}. */
    static EventHubClientBuilder builder(Secret origin, EventHubsAmqpOptions options) {
        EventHubsConnectionString connection =
                EventHubsConnectionString.read(origin, System.getenv());
        String hub = eventHub(options, connection);
        EventHubClientBuilder builder = new EventHubClientBuilder();
        if (connection.entityPath().isPresent()) {
            builder.connectionString(connection.sdkConnectionString());
        } else {
            builder.connectionString(connection.sdkConnectionString(), hub);
        }
        return builder.consumerGroup(options.consumerGroup())
                .prefetchCount(options.prefetchCount())
                .retryOptions(
                        new AmqpRetryOptions()
                                .setTryTimeout(options.tryTimeout())
                                .setMaxRetries(3)
                                .setDelay(Duration.ofMillis(800))
                                .setMaxDelay(Duration.ofSeconds(30)));
    }
}
