package io.deletionwatch.job.rules.burst;

import io.deletionwatch.job.events.ActivityEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by caller and resource: lets a deletion through unless the same caller's deletion of the
 * same resource was let through less than a window earlier (event time), so that a resource that
 * is deleted, re-created and deleted again by a pipeline counts once per window. State: the time
 * of the last counted deletion, about 100 bytes with the key, expiring a window plus the
 * out-of-orderness allowance after it was written.
 */
public final class DistinctDeletions
        extends KeyedProcessFunction<String, ActivityEvent, ActivityEvent> {
    private static final long serialVersionUID = 1L;

    private final Duration window;
    private final Duration ttl;
    private transient ValueState<Long> lastCounted;

    public DistinctDeletions(Duration window, Duration outOfOrderness) {
        this.window = window;
        this.ttl = window.plus(outOfOrderness);
    }

    /** The key: who deleted what. */
    public static String key(ActivityEvent event) {
        return event.caller().key() + '|' + event.resource().key();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Long> descriptor = new ValueStateDescriptor<>("last-counted", Long.class);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        lastCounted = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(ActivityEvent event, Context ctx, Collector<ActivityEvent> out)
            throws Exception {
        long time = event.time().toEpochMilli();
        Long last = lastCounted.value();
        if (last != null && Math.abs(time - last) < window.toMillis()) {
            return;
        }
        lastCounted.update(time);
        out.collect(event);
    }
}
