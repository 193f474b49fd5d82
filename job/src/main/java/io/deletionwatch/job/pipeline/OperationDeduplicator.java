package io.deletionwatch.job.pipeline;

import io.deletionwatch.job.events.ActivityEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets through the first row of each (operation, outcome) and drops the rest: the phases of one
 * operation (Accept and Success of an async delete) and transport duplicates (Event Hubs is
 * at-least-once; overlapping diagnostic settings export the same rows twice). Keyed by {@link
 * #key}. State expires after a TTL longer than any duplicate arrives late.
 */
public final class OperationDeduplicator
        extends KeyedProcessFunction<String, ActivityEvent, ActivityEvent> {
    private static final long serialVersionUID = 1L;

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public OperationDeduplicator(Duration ttl) {
        this.ttl = ttl;
    }

    /** Rows of one operation with the same outcome share this key. */
    public static String key(ActivityEvent event) {
        return event.operationKey() + '|' + event.outcome();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Boolean.class);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        seen = getRuntimeContext().getState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateRowsDropped");
    }

    @Override
    public void processElement(ActivityEvent event, Context ctx, Collector<ActivityEvent> out)
            throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(event);
    }
}
