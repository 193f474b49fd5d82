package io.deletionwatch.job.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.rules.DetectionRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The event-time rules' view of the stream, keyed like {@link OperationDeduplicator}: for each
 * (operation, outcome) the row with the EARLIEST event time, passed on when the watermark reaches
 * it, the other phase rows and duplicates dropped. Which row of an operation arrives first depends
 * on partitions and restarts (an Accept and its Success 20 s later may sit in different Event Hubs
 * partitions); the earliest in event time does not, so the times the sequence and burst rules see,
 * and the finding ids built from them, are the same in every run, replay and restore. This costs
 * those rules no latency: CEP waits for the same watermark anyway.
 *
 * <p>An event the watermark has already passed (later than the out-of-orderness allowance) would
 * be dropped silently by CEP and by event-time state; instead, when an event-time rule could have
 * used it and no row of its operation went on, it becomes one dead letter ({@code late}) and counts
 * in {@code lateEvents}. The single-event rules still see it: they read the arrival-order stream.
 *
 * <p>Downstream operators never see the passed-on events as late: each is emitted by the timer at
 * the first watermark that reaches it, before that watermark goes downstream, where the watermark
 * is still the previous one, which was behind the event.
 *
 * <p>State per operation: the held row (about 1 KB, until the watermark passes it) and a flag
 * (about 100 bytes with the key) that expires after the dedup TTL, like {@link
 * OperationDeduplicator}'s.
 */
public final class LateEvents extends KeyedProcessFunction<String, ActivityEvent, ActivityEvent> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "late";
    public static final String STAGE = "detect";
    static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<DetectionRule> eventTimeRules;
    private final Duration outOfOrderness;
    private final Duration dedupTtl;
    private transient Counter late;
    private transient ValueState<ActivityEvent> earliest;
    private transient ValueState<Long> earliestTime;
    private transient ValueState<Boolean> done;

    /**
     * @param dedupTtl how long an operation is remembered after one of its rows went on, as for
     *     {@link OperationDeduplicator}
     */
    public LateEvents(List<DetectionRule> eventTimeRules, Duration outOfOrderness, Duration dedupTtl) {
        this.eventTimeRules = List.copyOf(eventTimeRules);
        this.outOfOrderness = outOfOrderness;
        this.dedupTtl = dedupTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
        StateTtlConfig ttl = StateTtlConfig.newBuilder(dedupTtl).build();
        ValueStateDescriptor<ActivityEvent> earliestDescriptor =
                new ValueStateDescriptor<>("earliest-row", TypeInformation.of(ActivityEvent.class));
        earliestDescriptor.enableTimeToLive(ttl);
        earliest = getRuntimeContext().getState(earliestDescriptor);
        ValueStateDescriptor<Long> timeDescriptor = new ValueStateDescriptor<>("earliest-row-time", Long.class);
        timeDescriptor.enableTimeToLive(ttl);
        earliestTime = getRuntimeContext().getState(timeDescriptor);
        ValueStateDescriptor<Boolean> doneDescriptor = new ValueStateDescriptor<>("operation-done", Boolean.class);
        doneDescriptor.enableTimeToLive(ttl);
        done = getRuntimeContext().getState(doneDescriptor);
    }

    @Override
    public void processElement(ActivityEvent event, Context ctx, Collector<ActivityEvent> out)
            throws Exception {
        if (done.value() != null) {
            return; // a row of this operation went on (or was dead-lettered) already
        }
        Long timestamp = ctx.timestamp();
        if (timestamp == null) {
            done.update(Boolean.TRUE);
            out.collect(event);
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (timestamp > watermark) {
            Long held = earliestTime.value();
            if (held == null || timestamp < held) {
                earliest.update(event);
                earliestTime.update(timestamp);
                // a later row's timer may stay: it finds an earlier time held and does nothing
                ctx.timerService().registerEventTimeTimer(timestamp);
            }
            return;
        }
        done.update(Boolean.TRUE);
        List<String> missed =
                eventTimeRules.stream()
                        .filter(rule -> rule.accepts(event))
                        .map(rule -> rule.definition().id())
                        .toList();
        if (missed.isEmpty()) {
            return;
        }
        late.inc();
        ctx.output(LATE, deadLetter(event, watermark, missed));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ActivityEvent> out)
            throws Exception {
        Long held = earliestTime.value();
        if (held != null && held == timestamp) {
            out.collect(earliest.value());
            earliest.clear();
            earliestTime.clear();
            done.update(Boolean.TRUE);
        }
    }

    private DeadLetter deadLetter(ActivityEvent event, long watermark, List<String> rules) {
        String detail =
                "event at "
                        + event.time()
                        + " arrived after event time had reached "
                        + Instant.ofEpochMilli(watermark)
                        + " (more than the out-of-orderness allowance of "
                        + outOfOrderness
                        + " late); "
                        + rules.stream().collect(Collectors.joining(", "))
                        + " did not evaluate it (single-event rules did)";
        return new DeadLetter(
                Instant.now(), REASON, detail, STAGE, null, null, null, payload(event));
    }

    /** The raw record is gone by now: the event's identifying fields stand in for it. */
    static byte[] payload(ActivityEvent event) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("time", event.time().toString());
        json.put("operationName", event.operationName());
        json.put("resourceId", event.resource().id());
        json.put("resultType", event.phase());
        json.put("correlationId", event.correlationId());
        json.put("caller", event.caller().displayName());
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
