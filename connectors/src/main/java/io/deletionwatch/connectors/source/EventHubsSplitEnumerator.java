package io.deletionwatch.connectors.source;

import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.PartitionProperties;

import io.deletionwatch.connectors.elasticsearch.Secret;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Learns the partitions from the event hub's properties, makes one split per partition and assigns
 * each to a reader: partition {@code i} to reader {@code i mod parallelism}, so every reader gets
 * at most one partition more than another. With an unbounded source it lists the partitions again
 * every {@link EventHubsAmqpOptions#partitionDiscoveryInterval()} and reads new ones from their
 * earliest event.
 */
final class EventHubsSplitEnumerator
        implements SplitEnumerator<EventHubsPartitionSplit, EventHubsEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(EventHubsSplitEnumerator.class);

    private final SplitEnumeratorContext<EventHubsPartitionSplit> context;
    private final Secret connectionString;
    private final EventHubsAmqpOptions options;
    private final Boundedness boundedness;
    private final Set<String> discovered;
    private final List<EventHubsPartitionSplit> unassigned;

    /** Partition ids in the hub's order, for ids that are not numbers. */
    private final List<String> partitionOrder = new ArrayList<>();

    /** Bounded reads: the readers told that all their splits are assigned. */
    private final Set<Integer> signalledNoMoreSplits = new HashSet<>();

    private EventHubConsumerClient client;
    private boolean firstDiscoveryDone;

    EventHubsSplitEnumerator(
            SplitEnumeratorContext<EventHubsPartitionSplit> context,
            Secret connectionString,
            EventHubsAmqpOptions options,
            Boundedness boundedness,
            EventHubsEnumeratorState restored) {
        this.context = context;
        this.connectionString = connectionString;
        this.options = options;
        this.boundedness = boundedness;
        this.discovered =
                new LinkedHashSet<>(restored == null ? Set.of() : restored.discoveredPartitions());
        this.unassigned = new ArrayList<>(restored == null ? List.of() : restored.unassigned());
        // A restored enumerator has made its first splits: new partitions start at the earliest.
        this.firstDiscoveryDone = restored != null;
    }

    /** The splits one listing found, made on a worker thread from a snapshot of what was known. */
    record Discovery(List<String> partitionIds, List<EventHubsPartitionSplit> newSplits) {}

    @Override
    public void start() {
        if (boundedness == Boundedness.CONTINUOUS_UNBOUNDED) {
            long interval = options.partitionDiscoveryInterval().toMillis();
            context.callAsync(this::discover, this::onDiscovery, 0, interval);
        } else {
            context.callAsync(this::discover, this::onDiscovery);
        }
    }

    private synchronized EventHubConsumerClient client() {
        if (client == null) {
            client = EventHubsAmqpClients.builder(connectionString, options).buildConsumerClient();
        }
        return client;
    }

    /** Runs on a worker thread: reads the hub's partitions and makes splits for new ones. */
    private Discovery discover() {
        Set<String> known;
        boolean initial;
        synchronized (this) {
            known = Set.copyOf(discovered);
            initial = !firstDiscoveryDone;
        }
        EventHubConsumerClient consumer = client();
        List<String> ids = new ArrayList<>();
        consumer.getPartitionIds().forEach(ids::add);
        List<EventHubsPartitionSplit> splits = new ArrayList<>();
        String hub = consumer.getEventHubName();
        for (String id : ids) {
            if (!known.contains(id)) {
                splits.add(newSplit(consumer, hub, id, initial));
            }
        }
        return new Discovery(ids, splits);
    }

    private EventHubsPartitionSplit newSplit(
            EventHubConsumerClient consumer, String hub, String partition, boolean initial) {
        boolean bounded = boundedness == Boundedness.BOUNDED;
        PartitionProperties properties =
                bounded
                                || (initial
                                        && options.startingPosition().kind()
                                                == EventHubsStartingPosition.Kind.LATEST)
                        ? consumer.getPartitionProperties(partition)
                        : null;
        long stop = EventHubsPartitionSplit.UNBOUNDED;
        if (bounded) {
            // A bounded read ends at the last event enqueued when the partition was listed.
            stop = properties.isEmpty() ? -1 : properties.getLastEnqueuedSequenceNumber();
        }
        if (!initial) {
            return EventHubsPartitionSplit.earliest(hub, partition, stop);
        }
        EventHubsStartingPosition start = options.startingPosition();
        return switch (start.kind()) {
            case EARLIEST -> EventHubsPartitionSplit.earliest(hub, partition, stop);
            // Resolved once, here, so a restore before the first event does not skip any.
            case LATEST ->
                    properties.isEmpty()
                            ? EventHubsPartitionSplit.earliest(hub, partition, bounded ? -1 : stop)
                            : EventHubsPartitionSplit.afterSequenceNumber(
                                    hub,
                                    partition,
                                    properties.getLastEnqueuedSequenceNumber(),
                                    stop);
            case ENQUEUED_AFTER -> {
                long until = stop;
                if (bounded
                        && !properties.isEmpty()
                        && !properties.getLastEnqueuedTime().isAfter(start.time())) {
                    until = -1;
                }
                yield EventHubsPartitionSplit.enqueuedAfter(hub, partition, start.time(), until);
            }
        };
    }

    /** Runs on the coordinator thread with what {@link #discover()} found. */
    void onDiscovery(Discovery discovery, Throwable error) {
        if (error != null) {
            String message = error.getMessage() == null ? error.toString() : error.getMessage();
            synchronized (this) {
                if (firstDiscoveryDone) {
                    // The partitions being read are known: a failed re-listing (after the SDK's
                    // retries) waits for the next one instead of failing the job.
                    LOG.warn("Cannot list the event hub's partitions again: {}", message);
                    return;
                }
            }
            // One line, never the connection string: the SDK's messages name the namespace only.
            throw new FlinkRuntimeException(
                    "cannot list the partitions of the event hub: " + message, error);
        }
        synchronized (this) {
            partitionOrder.clear();
            partitionOrder.addAll(discovery.partitionIds());
            for (EventHubsPartitionSplit split : discovery.newSplits()) {
                if (discovered.add(split.partitionId())) {
                    unassigned.add(split);
                }
            }
            if (!firstDiscoveryDone || !discovery.newSplits().isEmpty()) {
                LOG.info(
                        "Event hub partitions {}; new: {}",
                        discovery.partitionIds(),
                        discovery.newSplits().stream()
                                .map(EventHubsPartitionSplit::partitionId)
                                .toList());
            }
            firstDiscoveryDone = true;
        }
        assignPending();
    }

    /**
     * The reader that owns a partition: its number (Event Hubs numbers partitions 0 to n-1), else
     * its position in the hub's list, modulo the parallelism. The same before and after a restore.
     */
    int ownerOf(String partitionId) {
        int index;
        try {
            index = Integer.parseInt(partitionId);
        } catch (NumberFormatException e) {
            index = partitionOrder.indexOf(partitionId);
            if (index < 0) {
                index = partitionId.hashCode();
            }
        }
        return Math.floorMod(index, context.currentParallelism());
    }

    private void assignPending() {
        List<EventHubsPartitionSplit> assignedNow = new ArrayList<>();
        for (EventHubsPartitionSplit split : unassigned) {
            int owner = ownerOf(split.partitionId());
            if (context.registeredReaders().containsKey(owner)) {
                context.assignSplit(split, owner);
                assignedNow.add(split);
            }
        }
        unassigned.removeAll(assignedNow);
        if (boundedness == Boundedness.BOUNDED && firstDiscoveryDone) {
            for (int reader : context.registeredReaders().keySet()) {
                if (!signalledNoMoreSplits.contains(reader)
                        && unassigned.stream().noneMatch(s -> ownerOf(s.partitionId()) == reader)) {
                    context.signalNoMoreSplits(reader);
                    signalledNoMoreSplits.add(reader);
                }
            }
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed as partitions are found; readers never ask.
    }

    @Override
    public void addSplitsBack(List<EventHubsPartitionSplit> splits, int subtaskId) {
        // From a failed reader that had not checkpointed them: reassign from their last state.
        unassigned.addAll(splits);
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        // A reader that (re)registers after a failure is told again.
        signalledNoMoreSplits.remove(subtaskId);
        assignPending();
    }

    @Override
    public synchronized EventHubsEnumeratorState snapshotState(long checkpointId) {
        return new EventHubsEnumeratorState(discovered, unassigned);
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
