package io.deletionwatch.job.pipeline;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.parsing.ParseFunction;
import io.deletionwatch.job.rules.DetectionRule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A bounded run of the pipeline over Activity Log files, as {@code detect} does it. */
public final class Detect {
    private static final String DEAD_LETTER = "deadLetter.";

    private Detect() {}

    /** What a run read and found. */
    public record Summary(
            long records,
            long events,
            long skipped,
            Map<String, Long> deadLettersByReason,
            Map<String, Long> findingsByRule,
            Map<String, Long> updatesByRule) {

        public long deadLetters() {
            return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Incidents: distinct finding ids. */
        public long findings() {
            return findingsByRule.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Later versions of incidents that grew, written with the same id. */
        public long updates() {
            return updatesByRule.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static Summary run(
            List<Path> inputs,
            List<DetectionRule> rules,
            DetectionConfig config,
            Sink<Finding> findingSink,
            Sink<DeadLetter> deadLetterSink)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One subtask: findings come out in one file, in order, on a laptop-sized run.
        env.setParallelism(1);
        DeletionWatchPipeline.Outputs outputs =
                DeletionWatchPipeline.build(Inputs.files(env, inputs, config), rules, config);
        outputs.findings()
                .map(new FindingTally())
                .name("Count findings")
                .sinkTo(findingSink)
                .uid("findings-sink")
                .name("Findings file");
        outputs.deadLetters()
                .map(new Tally<DeadLetter>(DEAD_LETTER, DeadLetter::reason))
                .name("Count dead letters")
                .sinkTo(deadLetterSink)
                .uid("dead-letter-sink")
                .name("Dead-letter file");
        JobExecutionResult result = env.execute("deletion-watch detect");
        return summary(result.getAllAccumulatorResults());
    }

    static Summary summary(Map<String, Object> accumulators) {
        Map<String, Long> deadLetters = new TreeMap<>();
        Map<String, Long> findings = new TreeMap<>();
        Map<String, Long> updates = new TreeMap<>();
        accumulators.forEach(
                (name, value) -> {
                    if (name.startsWith(FindingTally.INCIDENT)) {
                        findings.put(name.substring(FindingTally.INCIDENT.length()), (Long) value);
                    } else if (name.startsWith(FindingTally.UPDATE)) {
                        updates.put(name.substring(FindingTally.UPDATE.length()), (Long) value);
                    } else if (name.startsWith(DEAD_LETTER)) {
                        deadLetters.put(name.substring(DEAD_LETTER.length()), (Long) value);
                    }
                });
        return new Summary(
                count(accumulators, ParseFunction.RECORDS),
                count(accumulators, ParseFunction.EVENTS),
                count(accumulators, ParseFunction.SKIPPED),
                deadLetters,
                findings,
                updates);
    }

    private static long count(Map<String, Object> accumulators, String name) {
        Object value = accumulators.get(name);
        return value == null ? 0 : (Long) value;
    }
}
