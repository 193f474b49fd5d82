package io.deletionwatch.job.pipeline;

import io.deletionwatch.job.events.ActivityEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
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
 *
 * <p>The phases of one operation (Start, Success) have different keys, so they may reach a rule in
 * either order, as rows on different partitions would anyway: a rule that combines them ({@code
 * nsg-rule-changed}) sends its finding again when the later-arriving piece completes it.
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

    /**
     * Rows of one operation with the same outcome share this key: 128 bits of the SHA-256 of the
     * correlation id, resource id, operation and outcome, as 22 characters. Two keyed operators keep
     * an entry per operation for the whole TTL; the plain key (about 250 bytes, most of it the
     * resource id) was most of their state.
     */
    public static String key(ActivityEvent event) {
        MessageDigest sha256 = SHA_256.get();
        sha256.reset();
        byte[] digest =
                sha256.digest(
                        (event.operationKey() + '|' + event.outcome())
                                .getBytes(StandardCharsets.UTF_8));
        return KEY_ENCODING.encodeToString(Arrays.copyOf(digest, 16));
    }

    private static final Base64.Encoder KEY_ENCODING = Base64.getUrlEncoder().withoutPadding();

    private static final ThreadLocal<MessageDigest> SHA_256 =
            ThreadLocal.withInitial(
                    () -> {
                        try {
                            return MessageDigest.getInstance("SHA-256");
                        } catch (NoSuchAlgorithmException e) {
                            throw new IllegalStateException("every JVM has SHA-256", e);
                        }
                    });

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
