package io.deletionwatch.job.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it receives in this JVM (the MiniCluster runs in it), under a name of its
 * own so that concurrent jobs do not mix their elements.
 */
public final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> RECEIVED = new ConcurrentHashMap<>();

    private final String name = UUID.randomUUID().toString();

    public CollectingSink() {
        RECEIVED.put(name, new ConcurrentLinkedQueue<>());
    }

    /** What the sink received, in order, and forgets it. */
    @SuppressWarnings("unchecked")
    public List<T> drain() {
        Queue<Object> queue = RECEIVED.remove(name);
        List<T> out = new ArrayList<>();
        if (queue != null) {
            queue.forEach(element -> out.add((T) element));
        }
        return out;
    }

    /** What the sink received so far, in order, without forgetting it. */
    @SuppressWarnings("unchecked")
    public List<T> received() {
        Queue<Object> queue = RECEIVED.get(name);
        List<T> out = new ArrayList<>();
        if (queue != null) {
            queue.forEach(element -> out.add((T) element));
        }
        return out;
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
