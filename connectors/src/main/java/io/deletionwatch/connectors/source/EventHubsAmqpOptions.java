package io.deletionwatch.connectors.source;

import java.io.Serializable;
import java.time.Duration;

/**
 * Options of {@link EventHubsAmqpSource}. None is secret: the connection string travels as a
 * reference ({@link EventHubsConnectionString#origin()}) and is read where the clients are made.
 *
 * @param eventHub the event hub to read; null to take the connection string's EntityPath
 * @param consumerGroup the consumer group; give each job its own (Event Hubs allows five readers
 *     per partition and group)
 * @param startingPosition where partitions without a checkpointed position start
 * @param partitionDiscoveryInterval how often the hub's partitions are listed again, so that
 *     partitions added to a Premium or Dedicated hub are read without a restart
 * @param ownerLevel the epoch of the readers' receivers, or null for none. With one, a receiver of
 *     a higher epoch elsewhere disconnects this job's (it fails over) and a receiver without epoch
 *     cannot join; without one, two readers could split a partition's events
 * @param prefetchCount events the SDK buffers per partition (AMQP link credit)
 * @param tryTimeout how long one AMQP operation may take before the SDK retries it
 */
public record EventHubsAmqpOptions(
        String eventHub,
        String consumerGroup,
        EventHubsStartingPosition startingPosition,
        Duration partitionDiscoveryInterval,
        Long ownerLevel,
        int prefetchCount,
        Duration tryTimeout)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_CONSUMER_GROUP = "$Default";
    public static final Duration DEFAULT_PARTITION_DISCOVERY_INTERVAL = Duration.ofMinutes(5);
    public static final int DEFAULT_PREFETCH_COUNT = 500;
    public static final Duration DEFAULT_TRY_TIMEOUT = Duration.ofSeconds(60);

    public EventHubsAmqpOptions {
        if (consumerGroup == null || consumerGroup.isBlank()) {
            throw new IllegalArgumentException("give a consumer group, e.g. $Default");
        }
        if (startingPosition == null) {
            throw new IllegalArgumentException("give a starting position");
        }
        if (partitionDiscoveryInterval == null || partitionDiscoveryInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("the partition discovery interval must be positive");
        }
        if (prefetchCount < 1 || prefetchCount > 8000) {
            throw new IllegalArgumentException(
                    "the prefetch count is 1 to 8000, as the SDK allows");
        }
        if (tryTimeout == null || tryTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("the try timeout must be positive");
        }
    }

    /** Consumer group $Default, earliest, discovery every 5 minutes, no epoch, prefetch 500. */
    public static EventHubsAmqpOptions defaults(String eventHub) {
        return new EventHubsAmqpOptions(
                eventHub,
                DEFAULT_CONSUMER_GROUP,
                EventHubsStartingPosition.earliest(),
                DEFAULT_PARTITION_DISCOVERY_INTERVAL,
                null,
                DEFAULT_PREFETCH_COUNT,
                DEFAULT_TRY_TIMEOUT);
    }

    public EventHubsAmqpOptions withConsumerGroup(String group) {
        return new EventHubsAmqpOptions(
                eventHub,
                group,
                startingPosition,
                partitionDiscoveryInterval,
                ownerLevel,
                prefetchCount,
                tryTimeout);
    }

    public EventHubsAmqpOptions withStartingPosition(EventHubsStartingPosition position) {
        return new EventHubsAmqpOptions(
                eventHub,
                consumerGroup,
                position,
                partitionDiscoveryInterval,
                ownerLevel,
                prefetchCount,
                tryTimeout);
    }

    public EventHubsAmqpOptions withPartitionDiscoveryInterval(Duration interval) {
        return new EventHubsAmqpOptions(
                eventHub,
                consumerGroup,
                startingPosition,
                interval,
                ownerLevel,
                prefetchCount,
                tryTimeout);
    }

    public EventHubsAmqpOptions withOwnerLevel(Long level) {
        return new EventHubsAmqpOptions(
                eventHub,
                consumerGroup,
                startingPosition,
                partitionDiscoveryInterval,
                level,
                prefetchCount,
                tryTimeout);
    }

    public EventHubsAmqpOptions withPrefetchCount(int count) {
        return new EventHubsAmqpOptions(
                eventHub,
                consumerGroup,
                startingPosition,
                partitionDiscoveryInterval,
                ownerLevel,
                count,
                tryTimeout);
    }

    public EventHubsAmqpOptions withTryTimeout(Duration timeout) {
        return new EventHubsAmqpOptions(
                eventHub,
                consumerGroup,
                startingPosition,
                partitionDiscoveryInterval,
                ownerLevel,
                prefetchCount,
                timeout);
    }
}
