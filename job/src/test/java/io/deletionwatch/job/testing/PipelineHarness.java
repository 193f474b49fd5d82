package io.deletionwatch.job.testing;

import io.deletionwatch.connectors.testing.CollectingSink;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParseFunction;
import io.deletionwatch.job.parsing.ParsedRecord;
import io.deletionwatch.job.pipeline.DeletionWatchPipeline;
import io.deletionwatch.job.rules.DetectionRule;
import io.deletionwatch.job.rules.Rules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs records through the real pipeline ({@link DeletionWatchPipeline#build}) on the test's
 * MiniCluster, in the order given, and collects findings and dead letters. The watermark follows
 * every event (bounded out-of-orderness, emitted per event instead of periodically), so that which
 * events are late does not depend on timing.
 */
public final class PipelineHarness {
    private PipelineHarness() {}

    /** What a run produced. */
    public record Result(List<Finding> findings, List<DeadLetter> deadLetters) {
        /** Every emitted version of the rule's findings, in emission order. */
        public List<Finding> of(String ruleId) {
            return findings.stream().filter(f -> f.rule().id().equals(ruleId)).toList();
        }

        /** The rule's incidents: the last version of each finding id, in order of first emission. */
        public List<Finding> incidents(String ruleId) {
            Map<String, Finding> latest = new LinkedHashMap<>();
            for (Finding f : of(ruleId)) {
                latest.put(f.id(), f);
            }
            return new ArrayList<>(latest.values());
        }

        public List<DeadLetter> deadLetters(String reason) {
            return deadLetters.stream().filter(d -> d.reason().equals(reason)).toList();
        }
    }

    public static Result run(DetectionConfig config, List<ActivityRecords> rows) throws Exception {
        return run(config, Rules.all(config), rows);
    }

    public static Result run(
            DetectionConfig config, List<DetectionRule> rules, List<ActivityRecords> rows)
            throws Exception {
        return runRecords(config, rules, records(rows), 1);
    }

    /** Each row in an Event Hubs envelope of its own, offsets counting from 0. */
    public static List<KafkaRecord> records(List<ActivityRecords> rows) {
        List<KafkaRecord> records = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            records.add(ActivityRecords.kafka(i, "{\"records\":[" + rows.get(i).text() + "]}"));
        }
        return records;
    }

    public static Result runRecords(
            DetectionConfig config, List<DetectionRule> rules, List<KafkaRecord> records, int parallelism)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        DeletionWatchPipeline.Outputs outputs = DeletionWatchPipeline.build(parsed(env, config, records), rules, config);
        CollectingSink<Finding> findings = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        outputs.findings().sinkTo(findings).setParallelism(1);
        outputs.deadLetters().sinkTo(deadLetters).setParallelism(1);
        env.execute("pipeline harness");
        return new Result(findings.drain(), deadLetters.drain());
    }

    /**
     * Like {@link #run}, but holds the rows from {@code holdFrom} on back until the findings sink
     * has received a finding of each of {@code untilRules}: so that those rows reach an operator
     * after the findings made from earlier rows, whichever path each takes.
     */
    public static Result runHolding(
            DetectionConfig config, List<ActivityRecords> rows, int holdFrom, List<String> untilRules)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        CollectingSink<Finding> findings = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        DataStream<KafkaRecord> held =
                env.fromData(records(rows), TypeInformation.of(KafkaRecord.class))
                        .map(new HoldUntilFinding(holdFrom, List.copyOf(untilRules), findings))
                        .returns(KafkaRecord.class);
        DeletionWatchPipeline.Outputs outputs =
                DeletionWatchPipeline.build(parsed(held, config), Rules.all(config), config);
        outputs.findings().sinkTo(findings).setParallelism(1);
        outputs.deadLetters().sinkTo(deadLetters).setParallelism(1);
        env.execute("pipeline harness, rows held back");
        return new Result(findings.drain(), deadLetters.drain());
    }

    /** Passes records on, from the {@code holdFrom}th once the sink has a finding of each rule. */
    private static final class HoldUntilFinding implements MapFunction<KafkaRecord, KafkaRecord> {
        private static final long serialVersionUID = 1L;
        private static final Duration PATIENCE = Duration.ofMinutes(1);

        private final int holdFrom;
        private final List<String> untilRules;
        private final CollectingSink<Finding> findings;
        private int seen;

        HoldUntilFinding(int holdFrom, List<String> untilRules, CollectingSink<Finding> findings) {
            this.holdFrom = holdFrom;
            this.untilRules = untilRules;
            this.findings = findings;
        }

        @Override
        public KafkaRecord map(KafkaRecord record) throws Exception {
            if (seen++ == holdFrom) {
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (!findings.received().stream().map(f -> f.rule().id()).toList().containsAll(untilRules)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no finding of each of " + untilRules + " within " + PATIENCE);
                    }
                    Thread.sleep(10); // polls the condition; the finding is on its way downstream
                }
            }
            return record;
        }
    }

    /**
     * The records as the pipeline's input, parsed in order with a watermark after every event, so
     * that event time moves exactly with the records.
     */
    public static DataStream<ParsedRecord> parsed(
            StreamExecutionEnvironment env, DetectionConfig config, List<KafkaRecord> records) {
        return parsed(env.fromData(records, TypeInformation.of(KafkaRecord.class)).setParallelism(1), config);
    }

    private static DataStream<ParsedRecord> parsed(DataStream<KafkaRecord> records, DetectionConfig config) {
        return records
                .flatMap(new ParseFunction(new ActivityLogParser(config.maxRecordBytes())))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(everyEvent(config.outOfOrderness()))
                .setParallelism(1);
    }

    /** Bounded out-of-orderness, the watermark emitted after every event. */
    static WatermarkStrategy<ParsedRecord> everyEvent(Duration outOfOrderness) {
        return WatermarkStrategy.<ParsedRecord>forGenerator(
                        ctx -> new EveryEvent(outOfOrderness.toMillis()))
                .withTimestampAssigner((record, previous) -> record.timestamp());
    }

    private static final class EveryEvent implements WatermarkGenerator<ParsedRecord> {
        private final long outOfOrderness;
        private long max = Long.MIN_VALUE;

        EveryEvent(long outOfOrderness) {
            this.outOfOrderness = outOfOrderness;
        }

        @Override
        public void onEvent(ParsedRecord record, long timestamp, WatermarkOutput output) {
            if (timestamp == TimestampAssigner.NO_TIMESTAMP) {
                return;
            }
            if (timestamp > max) {
                max = timestamp;
                output.emitWatermark(new Watermark(max - outOfOrderness - 1));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
