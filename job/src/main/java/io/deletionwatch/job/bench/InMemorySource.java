package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.parsing.ActivityLogDeserializer;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParsedRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A parallel source over a log registered with {@link InMemory}, shaped like the job's Kafka
 * source: the envelopes are dealt round-robin into {@code partitions} splits, and each reader
 * parses its split's envelopes itself with the job's {@link ActivityLogDeserializer} and emits
 * through a per-split output, so the watermark strategy given to {@code fromSource} runs per
 * partition as it does on Kafka partitions. Nothing raw travels between tasks. Only for local
 * benchmark runs (no failover: the data lives in this JVM).
 */
final class InMemorySource
        implements Source<ParsedRecord, InMemorySource.Partition, Collection<InMemorySource.Partition>>,
                ResultTypeQueryable<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final int partitions;
    private final ActivityLogParser parser;

    InMemorySource(String name, int partitions, ActivityLogParser parser) {
        this.name = name;
        this.partitions = partitions;
        this.parser = parser;
    }

    /** One partition of the log: envelopes {@code partition, partition + n, ...}, from {@code next}. */
    record Partition(int partition, int next) implements SourceSplit {
        @Override
        public String splitId() {
            return "partition-" + partition;
        }
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }

    @Override
    public SourceReader<ParsedRecord, Partition> createReader(SourceReaderContext context) {
        return new Reader(context, name, partitions, new ActivityLogDeserializer(parser));
    }

    @Override
    public SplitEnumerator<Partition, Collection<Partition>> createEnumerator(
            SplitEnumeratorContext<Partition> context) {
        List<Partition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new Partition(p, 0));
        }
        return new Enumerator(context, all);
    }

    @Override
    public SplitEnumerator<Partition, Collection<Partition>> restoreEnumerator(
            SplitEnumeratorContext<Partition> context, Collection<Partition> checkpoint) {
        return new Enumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<Partition> getSplitSerializer() {
        return new PartitionSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<Partition>> getEnumeratorCheckpointSerializer() {
        return new PendingSerializer();
    }

    /** Gives each reader the partitions {@code p % parallelism == subtask}, then says no more. */
    private static final class Enumerator implements SplitEnumerator<Partition, Collection<Partition>> {
        private final SplitEnumeratorContext<Partition> context;
        private final List<Partition> pending;

        Enumerator(SplitEnumeratorContext<Partition> context, Collection<Partition> pending) {
            this.context = context;
            this.pending = new ArrayList<>(pending);
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<Partition> splits, int subtaskId) {
            pending.addAll(splits);
        }

        @Override
        public void addReader(int subtaskId) {
            List<Partition> mine = new ArrayList<>();
            pending.removeIf(
                    p -> p.partition() % context.currentParallelism() == subtaskId && mine.add(p));
            for (Partition p : mine) {
                context.assignSplit(p, subtaskId);
            }
            context.signalNoMoreSplits(subtaskId);
        }

        @Override
        public Collection<Partition> snapshotState(long checkpointId) {
            return List.copyOf(pending);
        }

        @Override
        public void close() {}
    }

    /** Parses one envelope per {@code pollNext}, as a Kafka reader parses each fetched record. */
    private static final class Reader implements SourceReader<ParsedRecord, Partition> {
        private final SourceReaderContext context;
        private final String name;
        private final int partitions;
        private final ActivityLogDeserializer deserializer;
        private final Queue<Partition> assigned = new ArrayDeque<>();
        private List<KafkaRecord> log;
        private Partition current;
        private int next;
        private SourceOutput<ParsedRecord> output;
        private boolean noMoreSplits;
        private CompletableFuture<Void> available = new CompletableFuture<>();

        Reader(SourceReaderContext context, String name, int partitions, ActivityLogDeserializer deserializer) {
            this.context = context;
            this.name = name;
            this.partitions = partitions;
            this.deserializer = deserializer;
        }

        @Override
        public void start() {
            log = InMemory.log(name);
            MetricGroup metrics = context.metricGroup();
            UserCodeClassLoader classLoader = context.getUserCodeClassLoader();
            deserializer.open(
                    new DeserializationSchema.InitializationContext() {
                        @Override
                        public MetricGroup getMetricGroup() {
                            return metrics;
                        }

                        @Override
                        public UserCodeClassLoader getUserCodeClassLoader() {
                            return classLoader;
                        }
                    });
        }

        @Override
        public InputStatus pollNext(ReaderOutput<ParsedRecord> readerOutput) {
            if (current == null) {
                current = assigned.poll();
                if (current == null) {
                    return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
                }
                next = current.next();
                output = readerOutput.createOutputForSplit(current.splitId());
            }
            int index = current.partition() + next * partitions;
            if (index >= log.size()) {
                readerOutput.releaseOutputForSplit(current.splitId());
                current = null;
                return assigned.isEmpty() && noMoreSplits
                        ? InputStatus.END_OF_INPUT
                        : InputStatus.MORE_AVAILABLE;
            }
            KafkaRecord envelope = log.get(index);
            if (next == 0) {
                InMemory.firstRead(name);
            }
            next++;
            deserializer.deserialize(
                    new ConsumerRecord<>(
                            envelope.topic(),
                            current.partition(),
                            next - 1L,
                            envelope.timestamp(),
                            TimestampType.CREATE_TIME,
                            -1,
                            envelope.value().length,
                            null,
                            envelope.value(),
                            new RecordHeaders(),
                            Optional.empty()),
                    new org.apache.flink.util.Collector<>() {
                        @Override
                        public void collect(ParsedRecord record) {
                            output.collect(record);
                        }

                        @Override
                        public void close() {}
                    });
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public List<Partition> snapshotState(long checkpointId) {
            List<Partition> state = new ArrayList<>();
            if (current != null) {
                state.add(new Partition(current.partition(), next));
            }
            state.addAll(assigned);
            return state;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<Partition> splits) {
            assigned.addAll(splits);
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            available.complete(null);
        }

        @Override
        public void close() {}
    }

    private static final class PartitionSerializer implements SimpleVersionedSerializer<Partition> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Partition split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(split.partition());
            out.writeInt(split.next());
            return bytes.toByteArray();
        }

        @Override
        public Partition deserialize(int version, byte[] serialized) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            return new Partition(in.readInt(), in.readInt());
        }
    }

    private static final class PendingSerializer implements SimpleVersionedSerializer<Collection<Partition>> {
        private final PartitionSerializer one = new PartitionSerializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<Partition> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(splits.size());
            for (Partition p : splits) {
                out.write(one.serialize(p));
            }
            return bytes.toByteArray();
        }

        @Override
        public Collection<Partition> deserialize(int version, byte[] serialized) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            int n = in.readInt();
            List<Partition> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                splits.add(new Partition(in.readInt(), in.readInt()));
            }
            return splits;
        }
    }
}
