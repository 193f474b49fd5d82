package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.findings.Finding;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Hands data to and from a job on a MiniCluster in this JVM without serialising it into the job
 * graph: a generated log is registered under a name, the job's source looks records up by index,
 * and findings come back the same way. Only for local benchmark runs.
 */
final class InMemory {
    private static final Map<String, List<KafkaRecord>> LOGS = new ConcurrentHashMap<>();
    private static final Map<String, Queue<Finding>> FINDINGS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> FIRST_READ = new ConcurrentHashMap<>();

    private InMemory() {}

    static String register(List<KafkaRecord> records) {
        String name = UUID.randomUUID().toString();
        LOGS.put(name, records);
        FINDINGS.put(name, new ConcurrentLinkedQueue<>());
        FIRST_READ.put(name, new AtomicLong());
        return name;
    }

    static List<Finding> findings(String name) {
        return List.copyOf(FINDINGS.get(name));
    }

    static void forget(String name) {
        LOGS.remove(name);
        FINDINGS.remove(name);
        FIRST_READ.remove(name);
    }

    /** Notes this moment (epoch ms) as the log's first read, unless a reader came first. */
    static void firstRead(String name) {
        FIRST_READ.get(name).compareAndSet(0, System.currentTimeMillis());
    }

    /** When a reader first took a record of the log, in epoch ms; 0 when none has. */
    static long firstReadMillis(String name) {
        return FIRST_READ.get(name).get();
    }

    /** The registered log, for {@link InMemorySource}'s readers. */
    static List<KafkaRecord> log(String name) {
        return LOGS.get(name);
    }

    /** Keeps the findings (a handful) for the recall check. */
    static final class FindingSink implements Sink<Finding> {
        private static final long serialVersionUID = 1L;
        private final String name;

        FindingSink(String name) {
            this.name = name;
        }

        @Override
        public SinkWriter<Finding> createWriter(WriterInitContext context) {
            Queue<Finding> queue = FINDINGS.get(name);
            return new SinkWriter<>() {
                @Override
                public void write(Finding element, Context ctx) {
                    queue.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
