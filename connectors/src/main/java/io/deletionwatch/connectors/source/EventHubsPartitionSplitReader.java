package io.deletionwatch.connectors.source;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.LastEnqueuedEventProperties;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.models.ReceiveOptions;

import io.deletionwatch.connectors.elasticsearch.Secret;

import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.reactivestreams.Subscription;

import reactor.core.publisher.BaseSubscriber;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the partitions assigned to one Flink reader through one {@link EventHubConsumerAsyncClient}
 * (one AMQP connection): a receiver per partition whose events the SDK delivers on its threads into
 * a queue that {@link #fetch()} drains on Flink's fetcher thread. Each receiver may have at most
 * {@link #IN_FLIGHT} events in that queue, so memory stays bounded while Flink is back-pressured.
 * An error on any receiver (refused key, unknown consumer group, a higher-epoch receiver taking the
 * partition over) fails the fetch, and so the job fails over.
 */
final class EventHubsPartitionSplitReader
        implements SplitReader<EventHubsReceivedEvent, EventHubsPartitionSplit> {
    static final int IN_FLIGHT = 256;
    private static final int MAX_BATCH = 1024;
    private static final long POLL_MILLIS = 1_000;

    /** What the SDK threads hand the fetcher thread. */
    private sealed interface Item permits Received, Failed, WakeUp {}

    private record Received(String splitId, EventHubsReceivedEvent event) implements Item {}

    private record Failed(String splitId, Throwable error) implements Item {}

    private record WakeUp() implements Item {}

    private final Secret connectionString;
    private final EventHubsAmqpOptions options;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Map<String, Receiver> receivers = new HashMap<>();
    private final Set<String> finishedNow = new HashSet<>();
    private EventHubConsumerAsyncClient client;

    EventHubsPartitionSplitReader(Secret connectionString, EventHubsAmqpOptions options) {
        this.connectionString = connectionString;
        this.options = options;
    }

    /** One partition's subscription; requests more as the fetcher takes its events. */
    private final class Receiver extends BaseSubscriber<PartitionEvent> {
        final EventHubsPartitionSplit split;

        Receiver(EventHubsPartitionSplit split) {
            this.split = split;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(IN_FLIGHT);
        }

        @Override
        protected void hookOnNext(PartitionEvent event) {
            EventData data = event.getData();
            byte[] body = data.getBody();
            LastEnqueuedEventProperties last = event.getLastEnqueuedEventProperties();
            Long lastSequence = last == null ? null : last.getSequenceNumber();
            queue.add(
                    new Received(
                            split.splitId(),
                            new EventHubsReceivedEvent(
                                    new EventHubsRecord(
                                            split.eventHub(),
                                            split.partitionId(),
                                            data.getSequenceNumber(),
                                            data.getOffsetString(),
                                            data.getEnqueuedTime().toEpochMilli(),
                                            body == null ? new byte[0] : body),
                                    lastSequence == null ? -1 : lastSequence)));
        }

        @Override
        protected void hookOnError(Throwable error) {
            queue.add(new Failed(split.splitId(), error));
        }
    }

    @Override
    public RecordsWithSplitIds<EventHubsReceivedEvent> fetch() throws IOException {
        RecordsBySplits.Builder<EventHubsReceivedEvent> records = new RecordsBySplits.Builder<>();
        if (!finishedNow.isEmpty()) {
            records.addFinishedSplits(finishedNow);
            finishedNow.clear();
            return records.build();
        }
        Item first;
        try {
            first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Event Hubs events", e);
        }
        if (first == null) {
            return records.build();
        }
        Map<String, Integer> taken = new HashMap<>();
        Item item = first;
        int count = 0;
        while (item != null) {
            // A partition already finished (bounded) has no receiver: its leftovers are dropped.
            if (item instanceof Failed failed && receivers.containsKey(failed.splitId())) {
                Throwable error = failed.error();
                throw new IOException(
                        "reading Event Hubs partition "
                                + failed.splitId()
                                + " (consumer group "
                                + options.consumerGroup()
                                + ") failed: "
                                + (error.getMessage() == null
                                        ? error.toString()
                                        : error.getMessage()),
                        error);
            }
            if (item instanceof Received received) {
                Receiver receiver = receivers.get(received.splitId());
                if (receiver != null) {
                    records.add(received.splitId(), received.event());
                    taken.merge(received.splitId(), 1, Integer::sum);
                    long stop = receiver.split.stoppingSequenceNumber();
                    if (stop != EventHubsPartitionSplit.UNBOUNDED
                            && received.event().record().sequenceNumber() >= stop) {
                        finish(received.splitId());
                        records.addFinishedSplit(received.splitId());
                    }
                }
                count++;
            }
            item = count < MAX_BATCH ? queue.poll() : null;
        }
        taken.forEach(
                (splitId, n) -> {
                    Receiver receiver = receivers.get(splitId);
                    if (receiver != null) {
                        receiver.request(n);
                    }
                });
        return records.build();
    }

    private void finish(String splitId) {
        Receiver receiver = receivers.remove(splitId);
        if (receiver != null) {
            receiver.dispose();
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<EventHubsPartitionSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            return;
        }
        for (EventHubsPartitionSplit split : change.splits()) {
            if (split.isFinished()) {
                finishedNow.add(split.splitId());
                continue;
            }
            Receiver receiver = new Receiver(split);
            receivers.put(split.splitId(), receiver);
            // The last enqueued event comes with every event: the lag metric needs no extra call.
            ReceiveOptions receiveOptions =
                    new ReceiveOptions()
                            .setOwnerLevel(options.ownerLevel())
                            .setTrackLastEnqueuedEventProperties(true);
            client().receiveFromPartition(
                            split.partitionId(), split.eventPosition(), receiveOptions)
                    .subscribe(receiver);
        }
    }

    private EventHubConsumerAsyncClient client() {
        if (client == null) {
            client =
                    EventHubsAmqpClients.builder(connectionString, options)
                            .buildAsyncConsumerClient();
        }
        return client;
    }

    @Override
    public void wakeUp() {
        queue.add(new WakeUp());
    }

    @Override
    public void close() {
        for (Receiver receiver : receivers.values()) {
            receiver.dispose();
        }
        receivers.clear();
        if (client != null) {
            client.close();
        }
    }
}
