package io.deletionwatch.connectors.localstack;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The event hubs of one {@link EventHubsEndpoint}, in memory: per partition an append-only list of
 * events with sequence numbers from 0 and offsets that are the bytes stored before each event (so
 * they grow, as on Event Hubs, but are not its values). Confined to the endpoint's reactor thread.
 */
final class EventHubsLog {
    /** Every event hub has this consumer group, as on Event Hubs. */
    static final String DEFAULT_CONSUMER_GROUP = "$Default";

    /** One stored event: its position and the encoded AMQP message as receivers get it. */
    record StoredEvent(
            long sequenceNumber,
            long offset,
            Instant enqueuedTime,
            byte[] body,
            byte[] encodedMessage) {}

    static final class Partition {
        final String id;
        final List<StoredEvent> events = new ArrayList<>();

        /** The first retained sequence number; events before it have expired. */
        long beginSequenceNumber;

        long nextOffset;

        Partition(String id) {
            this.id = id;
        }

        long nextSequenceNumber() {
            return beginSequenceNumber + events.size();
        }

        boolean isEmpty() {
            return events.isEmpty();
        }

        StoredEvent last() {
            return events.get(events.size() - 1);
        }

        /** The retained event with this sequence number, or null. */
        StoredEvent get(long sequenceNumber) {
            long index = sequenceNumber - beginSequenceNumber;
            return index < 0 || index >= events.size() ? null : events.get((int) index);
        }

        /** Drops the events before {@code sequenceNumber}, as retention does. */
        void expireBefore(long sequenceNumber) {
            long drop = Math.min(sequenceNumber - beginSequenceNumber, events.size());
            if (drop > 0) {
                events.subList(0, (int) drop).clear();
                beginSequenceNumber += drop;
            }
        }
    }

    static final class EventHub {
        final String name;
        final Instant createdAt;
        final List<Partition> partitions = new ArrayList<>();
        final Set<String> consumerGroups = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        int nextRoundRobin;

        EventHub(String name, Instant createdAt, int partitionCount) {
            this.name = name;
            this.createdAt = createdAt;
            consumerGroups.add(DEFAULT_CONSUMER_GROUP);
            addPartitions(partitionCount);
        }

        void addPartitions(int count) {
            int first = partitions.size();
            for (int i = 0; i < count; i++) {
                partitions.add(new Partition(Integer.toString(first + i)));
            }
        }

        Partition partition(String id) {
            for (Partition partition : partitions) {
                if (partition.id.equals(id)) {
                    return partition;
                }
            }
            return null;
        }

        String[] partitionIds() {
            return partitions.stream().map(p -> p.id).toArray(String[]::new);
        }
    }

    // Event hub names are case-insensitive on Event Hubs.
    private final Map<String, EventHub> hubs = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    EventHub create(String name, Instant createdAt, int partitionCount) {
        if (hubs.containsKey(name)) {
            throw new IllegalArgumentException("event hub " + name + " exists");
        }
        EventHub hub = new EventHub(name, createdAt, partitionCount);
        hubs.put(name, hub);
        return hub;
    }

    EventHub hub(String name) {
        return hubs.get(name);
    }

    /** The hub an entity path starts with, e.g. {@code hub/ConsumerGroups/cg/Partitions/0}. */
    EventHub hubOfPath(String entityPath) {
        int slash = entityPath.indexOf('/');
        return hub(slash < 0 ? entityPath : entityPath.substring(0, slash));
    }

    static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
