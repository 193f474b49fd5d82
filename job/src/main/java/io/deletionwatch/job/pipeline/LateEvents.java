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
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes on the events that are not behind the watermark, for the event-time rules. An event the
 * watermark has already passed (later than the out-of-orderness allowance) would be dropped
 * silently by CEP and by event-time state; instead, when an event-time rule could have used it, it
 * becomes one dead letter ({@code late}) and counts in {@code lateEvents}. The single-event rules
 * still see it: they read the stream before this split.
 *
 * <p>Downstream operators never see these events as late either: an element that is ahead of this
 * operator's watermark is ahead of every downstream watermark, which can only trail this one.
 */
public final class LateEvents extends ProcessFunction<ActivityEvent, ActivityEvent> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "late";
    public static final String STAGE = "detect";
    static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<DetectionRule> eventTimeRules;
    private final Duration outOfOrderness;
    private transient Counter late;

    public LateEvents(List<DetectionRule> eventTimeRules, Duration outOfOrderness) {
        this.eventTimeRules = List.copyOf(eventTimeRules);
        this.outOfOrderness = outOfOrderness;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
    }

    @Override
    public void processElement(ActivityEvent event, Context ctx, Collector<ActivityEvent> out) {
        Long timestamp = ctx.timestamp();
        long watermark = ctx.timerService().currentWatermark();
        if (timestamp == null || timestamp > watermark) {
            out.collect(event);
            return;
        }
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
