package io.deletionwatch.job.bench;

import io.deletionwatch.job.parsing.ParsedRecord;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The production parser, noting when a run's source first hands it a record: an end-to-end run
 * is timed from there, as the pipeline stage is from its first read. Before it, the consumers
 * start (group coordinator, offsets, the first fetch; ~0.3 s of a ~7 s run, BENCHMARKS.md), which
 * a running job does once. The job's MiniCluster runs in this JVM, so its readers and the stage
 * share {@link #FIRST_RECORD}, as {@link InMemory}'s do.
 */
final class FirstRecordClock implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicLong> FIRST_RECORD = new ConcurrentHashMap<>();

    private final String run;
    private final KafkaRecordDeserializationSchema<ParsedRecord> parser;
    private transient AtomicLong firstRecord;
    private transient boolean seen;

    private FirstRecordClock(String run, KafkaRecordDeserializationSchema<ParsedRecord> parser) {
        this.run = run;
        this.parser = parser;
    }

    /** A clock for {@code run} (a name no other running run of this JVM has) around {@code parser}. */
    static FirstRecordClock around(String run, KafkaRecordDeserializationSchema<ParsedRecord> parser) {
        if (FIRST_RECORD.putIfAbsent(run, new AtomicLong()) != null) {
            throw new IllegalStateException("a run named " + run + " has a clock already");
        }
        return new FirstRecordClock(run, parser);
    }

    /**
     * When the run's first record reached the parser (epoch ms, this JVM's clock).
     *
     * @throws IllegalStateException when no record did
     */
    static long firstRecordMillis(String run) {
        AtomicLong first = FIRST_RECORD.get(run);
        if (first == null || first.get() == 0) {
            throw new IllegalStateException("the run " + run + " parsed no record");
        }
        return first.get();
    }

    /** Forgets the run, whose name another may then take. */
    static void forget(String run) {
        FIRST_RECORD.remove(run);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        firstRecord = FIRST_RECORD.get(run);
        parser.open(context);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) throws IOException {
        if (!seen) {
            seen = true;
            firstRecord.compareAndSet(0, System.currentTimeMillis()); // the earliest of the readers
        }
        parser.deserialize(record, out);
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return parser.getProducedType();
    }
}
