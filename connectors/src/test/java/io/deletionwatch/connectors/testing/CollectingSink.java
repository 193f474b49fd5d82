package io.deletionwatch.connectors.testing;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sink that keeps what it receives in this JVM (the MiniCluster runs in it), under a name of its
 * own, so that a job's elements can be read while it runs and across a restore.
 */
public final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> RECEIVED = new ConcurrentHashMap<>();

    private final String name = UUID.randomUUID().toString();

    public CollectingSink() {
        RECEIVED.put(name, new ConcurrentLinkedQueue<>());
    }

    /** What the sink has received so far, in order. */
    @SuppressWarnings("unchecked")
    public List<T> received() {
        return RECEIVED.get(name).stream().map(element -> (T) element).toList();
    }

    public int count() {
        return RECEIVED.get(name).size();
    }

    /** What the sink received, in order, and forgets it (a job that has finished). */
    @SuppressWarnings("unchecked")
    public List<T> drain() {
        Queue<Object> queue = RECEIVED.remove(name);
        return queue == null ? List.of() : queue.stream().map(element -> (T) element).toList();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = RECEIVED.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
