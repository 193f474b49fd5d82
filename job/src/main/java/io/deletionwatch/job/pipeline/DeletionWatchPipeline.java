package io.deletionwatch.job.pipeline;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.parsing.ParsedRecord;
import io.deletionwatch.job.enrichment.FindingPolicy;
import io.deletionwatch.job.rules.DetectionRule;
import io.deletionwatch.job.rules.RuleInputs;
import io.deletionwatch.job.rules.nsg.NsgDefinitionBodies;
import io.deletionwatch.job.rules.nsg.NsgRestores;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The whole job, once: parsed input in, findings and dead letters out. {@code main}, the {@code
 * detect} command and the tests hand it their own input and sinks.
 *
 * <pre>
 * parsed records ─┬─ events ─ relevant to a rule? ─ keyBy(operation) ─ de-duplicate ─┬──────────── single-event rules ─┐
 *                 │                                                                   ├─ NSG writes ──────────────────────┤
 *                 │                                                                   └─ on time? ─ event-time rules ───┴─ NSG definitions ─ enrich, allowlist ─ findings
 *                 │                                                                        └─ late ──────────────────────────────────────────┐
 *                 └─ dead letters ─────────────────────────────────────────────────────────────────────────────────────────────────────────┴─ dead letters
 * </pre>
 */
public final class DeletionWatchPipeline {
    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private DeletionWatchPipeline() {}

    /** The pipeline's two outputs. */
    public record Outputs(DataStream<Finding> findings, DataStream<DeadLetter> deadLetters) {}

    /** Builds the pipeline and attaches the sinks. */
    public static void define(
            DataStream<ParsedRecord> input,
            List<DetectionRule> rules,
            DetectionConfig config,
            Sink<Finding> findingSink,
            Sink<DeadLetter> deadLetterSink) {
        Outputs outputs = build(input, rules, config);
        outputs.findings()
                .sinkTo(findingSink)
                .uid("findings-sink")
                .name("Findings sink");
        outputs.deadLetters()
                .sinkTo(deadLetterSink)
                .uid("dead-letter-sink")
                .name("Dead-letter sink");
    }

    public static Outputs build(
            DataStream<ParsedRecord> input, List<DetectionRule> rules, DetectionConfig config) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("no detection rule is enabled");
        }
        // Every type between operators is an immutable record, so chained operators may share one
        // instance: the copy Flink makes otherwise was ~14 % of the source task (BENCHMARKS.md).
        input.getExecutionEnvironment().getConfig().enableObjectReuse();
        SingleOutputStreamOperator<ActivityEvent> events =
                input.process(new SplitDeadLetters()).uid("split-dead-letters").name("Split dead letters");

        List<DetectionRule> active = List.copyOf(rules);
        // The NSG deletion findings carry the NSG's last known definition, learnt from its writes.
        boolean restores =
                active.stream().anyMatch(rule -> NsgRestores.RULES.contains(rule.definition().id()));
        DataStream<ActivityEvent> relevant =
                events.filter(
                                event ->
                                        active.stream().anyMatch(rule -> rule.accepts(event))
                                                || (restores && NsgDefinitionBodies.isRelevant(event)))
                        .name("Events a rule can use");
        KeyedStream<ActivityEvent, String> byOperation = relevant.keyBy(OperationDeduplicator::key);
        // Single-event rules: the first row of each operation to arrive, at once.
        DataStream<ActivityEvent> unique =
                byOperation
                        .process(new OperationDeduplicator(config.dedupTtl()))
                        .uid("deduplicate-operations")
                        .name("Drop phase and transport duplicates");

        // Event-time rules: the earliest row of each operation, whatever the arrival order.
        List<DetectionRule> eventTimeRules =
                active.stream().filter(DetectionRule::usesEventTime).toList();
        SingleOutputStreamOperator<ActivityEvent> onTime =
                byOperation
                        .process(new LateEvents(eventTimeRules, config.outOfOrderness(), config.dedupTtl()))
                        .uid("late-events")
                        .name("Earliest row of each operation; late events held back from event-time rules");

        RuleInputs inputs = new RuleInputs(unique, onTime, config);
        DataStream<Finding> findings = null;
        for (DetectionRule rule : active) {
            DataStream<Finding> ruleFindings = rule.detect(inputs);
            findings = findings == null ? ruleFindings : findings.union(ruleFindings);
        }
        if (restores) {
            findings = NsgRestores.attach(findings, unique, config);
        }
        DataStream<Finding> policed =
                findings.map(new FindingPolicy(config.allowlist(), config.enrichment()))
                        .uid("finding-policy")
                        .name("Enrich and allowlist findings");
        FindingOutputs.sendEachAtOnce(policed);
        DataStream<DeadLetter> deadLetters =
                events.getSideOutput(DEAD_LETTERS).union(onTime.getSideOutput(LateEvents.LATE));
        return new Outputs(policed, deadLetters);
    }

    /** Events go on, dead letters to the side. */
    static final class SplitDeadLetters extends ProcessFunction<ParsedRecord, ActivityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(ParsedRecord record, Context ctx, Collector<ActivityEvent> out) {
            if (record.event() != null) {
                out.collect(record.event());
            } else {
                ctx.output(DEAD_LETTERS, record.deadLetter());
            }
        }
    }
}
