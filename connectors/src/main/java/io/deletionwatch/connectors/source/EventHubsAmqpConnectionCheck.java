package io.deletionwatch.connectors.source;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.EventHubProducerAsyncClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.models.EventPosition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks an event hub over AMQP, within a bounded time, for its properties: that proves the
 * namespace answers, accepts the key and has the hub. A client that would otherwise retry for
 * minutes fails first with one line saying what is wrong; messages name the namespace, the hub
 * and the key's policy name, never the key.
 */
public final class EventHubsAmqpConnectionCheck {
    private EventHubsAmqpConnectionCheck() {}

    /**
     * @return the hub's partition ids
     * @throws IllegalArgumentException with one line saying what is wrong
     */
    public static List<String> check(EventHubsConnectionString connectionString, String hub, Duration timeout) {
        String address = EventHubsAmqpClients.address(connectionString);
        // No retries: a refused key or a missing hub is final, and an unreachable host is what the
        // time-out is for.
        try (EventHubProducerAsyncClient client =
                EventHubsAmqpClients.builder(connectionString, hub, timeout, 0).buildAsyncProducerClient()) {
            EventHubProperties properties =
                    client.getEventHubProperties().toFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return List.copyOf(properties.getPartitionIds().stream().toList());
        } catch (ExecutionException e) {
            throw failure(connectionString, address, hub, timeout, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(address, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Event Hubs at " + address);
        } catch (AmqpException e) {
            throw failure(connectionString, address, hub, timeout, e);
        }
    }

    /**
     * As {@link #check(EventHubsConnectionString, String, Duration)}, and that the consumer group
     * exists: a receiver of that group is opened on the first partition at its latest event and
     * watched for up to {@code probe}. Event Hubs refuses the link of an unknown group at once
     * ({@code amqp:not-found}); a group that exists delivers nothing and the probe ends quietly.
     */
    public static List<String> check(
            EventHubsConnectionString connectionString, String hub, String consumerGroup, Duration timeout, Duration probe) {
        List<String> partitions = check(connectionString, hub, timeout);
        if (partitions.isEmpty()) {
            return partitions;
        }
        String address = EventHubsAmqpClients.address(connectionString);
        try (EventHubConsumerAsyncClient client =
                EventHubsAmqpClients.builder(connectionString, hub, timeout, 0)
                        .consumerGroup(consumerGroup)
                        .buildAsyncConsumerClient()) {
            client.receiveFromPartition(partitions.get(0), EventPosition.latest())
                    .take(probe)
                    .then()
                    .toFuture()
                    .get(probe.plus(timeout).toMillis(), TimeUnit.MILLISECONDS);
            return partitions;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AmqpException amqp && amqp.getErrorCondition() == AmqpErrorCondition.NOT_FOUND) {
                throw new IllegalArgumentException(
                        "consumer group '" + consumerGroup + "' does not exist in event hub '" + hub + "' at " + address
                                + " (create it, or give --consumer-group; the default is $Default)");
            }
            throw failure(connectionString, address, hub, timeout, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(address, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Event Hubs at " + address);
        }
    }

    static IllegalArgumentException failure(
            EventHubsConnectionString connectionString, String address, String hub, Duration timeout, Throwable cause) {
        if (cause instanceof AmqpException amqp) {
            AmqpErrorCondition condition = amqp.getErrorCondition();
            if (condition == AmqpErrorCondition.UNAUTHORIZED_ACCESS) {
                return new IllegalArgumentException(
                        "Event Hubs at " + address + " refused the key of policy '"
                                + connectionString.sharedAccessKeyName()
                                + "' for event hub '" + hub + "'; check the connection string's"
                                + " SharedAccessKeyName and SharedAccessKey");
            }
            if (condition == AmqpErrorCondition.NOT_FOUND) {
                return new IllegalArgumentException(
                        "event hub '" + hub + "' does not exist in the namespace at " + address
                                + " (create it first, or check the hub name)");
            }
            if (condition == AmqpErrorCondition.TIMEOUT_ERROR) {
                return unreachable(address, timeout);
            }
        }
        // The SDK's own try time-out (Reactor's timeout operator) when nothing answers.
        for (Throwable t = cause; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return unreachable(address, timeout);
            }
        }
        return new IllegalArgumentException(
                "cannot connect to Event Hubs at " + address + ": " + KafkaConnectionCheck.rootMessage(cause));
    }

    static IllegalArgumentException unreachable(String address, Duration timeout) {
        return new IllegalArgumentException(
                "cannot reach Event Hubs at " + address + " within " + KafkaConnectionCheck.seconds(timeout)
                        + " (is it up, and are the host and port right?)");
    }
}
