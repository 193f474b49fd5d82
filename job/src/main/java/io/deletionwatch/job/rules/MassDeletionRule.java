package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Technique;
import io.deletionwatch.job.rules.burst.BurstChunk;
import io.deletionwatch.job.rules.burst.Bursts;
import io.deletionwatch.job.rules.burst.DistinctDeletions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * {@code mass-deletion}: one caller ({@code user.id}; users and service principals alike) deleted
 * at least N distinct resources of any type within the window; critical from 3 N.
 *
 * <pre>
 * successful deletes ─ keyBy(caller, resource) ─ distinct per window ─ keyBy(caller) ─ CEP: N within W ─ keyBy(caller) ─ bursts ─ findings
 *                                                                                     └─ timed-out partial matches ──┘
 * </pre>
 *
 * The CEP pattern ({@code times(N).within(W)}, skipping past each match) cuts a caller's distinct
 * deletions into chunks of N that fit in the window; partial chunks that time out are kept too, so
 * that a burst's count includes the deletions after its last full chunk. {@link Bursts} makes one
 * finding per burst from them, with one id that its updates reuse.
 */
public final class MassDeletionRule implements DetectionRule {
    private static final long serialVersionUID = 1L;

    public static final RuleDefinition DEFINITION =
            new RuleDefinition(
                    "mass-deletion",
                    "Mass deletion",
                    "One caller deleted many distinct resources within a few minutes: destruction"
                            + " of data or infrastructure, by a person or a compromised automation"
                            + " identity.",
                    "impact",
                    List.of("configuration"),
                    List.of("deletion"),
                    List.of(Technique.DATA_DESTRUCTION),
                    List.of("IF014.005"));

    private static final String DELETIONS = "deletions";
    private static final OutputTag<BurstChunk> PARTIAL =
            new OutputTag<>("mass-deletion-partial", TypeInformation.of(BurstChunk.class));

    private final int threshold;
    private final Duration window;

    public MassDeletionRule(int threshold, Duration window) {
        if (threshold < 2) {
            throw new IllegalArgumentException("the mass-deletion threshold must be at least 2");
        }
        this.threshold = threshold;
        this.window = window;
    }

    @Override
    public RuleDefinition definition() {
        return DEFINITION;
    }

    @Override
    public boolean accepts(ActivityEvent event) {
        return event.succeeded() && event.isDelete() && event.caller().key() != null;
    }

    @Override
    public boolean usesEventTime() {
        return true;
    }

    @Override
    public DataStream<Finding> detect(RuleInputs inputs) {
        Duration outOfOrderness = inputs.config().outOfOrderness();
        DataStream<ActivityEvent> distinct =
                inputs.onTimeEvents()
                        .filter(this::accepts)
                        .name("Deletions by a known caller")
                        .map(ActivityEvent::withoutBodies)
                        .name("Drop bodies")
                        .keyBy(DistinctDeletions::key)
                        .process(new DistinctDeletions(window, outOfOrderness))
                        .uid("mass-deletion-distinct")
                        .name("mass-deletion: count each resource once per caller");
        Pattern<ActivityEvent, ?> pattern =
                Pattern.<ActivityEvent>begin(DELETIONS, AfterMatchSkipStrategy.skipPastLastEvent())
                        .times(threshold)
                        .within(window);
        SingleOutputStreamOperator<BurstChunk> chunks =
                CEP.pattern(distinct.keyBy(e -> e.caller().key()), pattern)
                        .inEventTime()
                        .process(new Chunks(), TypeInformation.of(BurstChunk.class))
                        .uid("mass-deletion-cep")
                        .name("mass-deletion: N deletions within the window (CEP)")
                        // a chunk is as rare as a finding, and sent on as findings are (FindingOutputs)
                        .setBufferTimeout(ExecutionOptions.FLUSH_AFTER_EVERY_RECORD);
        return chunks.union(chunks.getSideOutput(PARTIAL))
                .keyBy(BurstChunk::callerKey)
                .process(new Bursts(DEFINITION, threshold, window, outOfOrderness))
                .uid("mass-deletion-bursts")
                .name("mass-deletion: one finding per burst");
    }

    static final class Chunks extends PatternProcessFunction<ActivityEvent, BurstChunk>
            implements TimedOutPartialMatchHandler<ActivityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(
                Map<String, List<ActivityEvent>> match, Context ctx, Collector<BurstChunk> out) {
            List<ActivityEvent> deletions = match.get(DELETIONS);
            out.collect(new BurstChunk(deletions.get(0).caller().key(), deletions, true));
        }

        @Override
        public void processTimedOutMatch(Map<String, List<ActivityEvent>> match, Context ctx) {
            List<ActivityEvent> deletions = match.get(DELETIONS);
            if (deletions != null && !deletions.isEmpty()) {
                ctx.output(
                        PARTIAL, new BurstChunk(deletions.get(0).caller().key(), deletions, false));
            }
        }
    }
}
