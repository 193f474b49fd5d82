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
public final class EventHubsAmqpClients {
    private EventHubsAmqpClients() {}

    /** The event hub read: the options' one, else the connection string's EntityPath. */
    static String eventHub(EventHubsAmqpOptions options, EventHubsConnectionString connection) {
        String hub = connection.eventHub(options.eventHub(), null, "the event hub to read is");
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
        return builder(connection, eventHub(options, connection), options.tryTimeout(), 3)
                .consumerGroup(options.consumerGroup())
                .prefetchCount(options.prefetchCount());
    }

    /**
     * A client builder for {@code hub} whose every try ends within {@code tryTimeout}. The SDK
     * retries transient failures (a busy or restarting service) up to {@code maxRetries} times; a
     * refused key or an unknown entity is never retried (the SDK marks those errors not
     * transient).
     */
    public static EventHubClientBuilder builder(
            EventHubsConnectionString connection, String hub, Duration tryTimeout, int maxRetries) {
        EventHubClientBuilder builder = new EventHubClientBuilder();
        // The SDK refuses an event hub name beside a connection string that has EntityPath.
        if (connection.entityPath().isPresent()) {
            builder.connectionString(connection.sdkConnectionString());
        } else {
            builder.connectionString(connection.sdkConnectionString(), hub);
        }
        return builder.retryOptions(
                new AmqpRetryOptions()
                        .setTryTimeout(tryTimeout)
                        .setMaxRetries(maxRetries)
                        .setDelay(Duration.ofMillis(800))
                        .setMaxDelay(Duration.ofSeconds(30)));
    }

    /** Where the clients connect, for messages: the namespace host and, when it names one, the port. */
    public static String address(EventHubsConnectionString connection) {
        return connection.port().isPresent()
                ? connection.host() + ":" + connection.port().getAsInt()
                : connection.host();
    }
}
