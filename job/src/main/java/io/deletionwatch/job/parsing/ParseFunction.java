package io.deletionwatch.job.parsing;

import io.deletionwatch.connectors.source.KafkaRecord;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/** The parser as an operator, for inputs that are not Kafka (files, tests). */
public final class ParseFunction extends RichFlatMapFunction<KafkaRecord, ParsedRecord> {
    private static final long serialVersionUID = 1L;

    public static final String RECORDS = "records";
    public static final String EVENTS = "events";
    public static final String SKIPPED = "skipped";

    private final ActivityLogParser parser;
    private transient ParseCounters counters;
    private transient LongCounter records;
    private transient LongCounter events;
    private transient LongCounter skipped;

    public ParseFunction(ActivityLogParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new ParseCounters(getRuntimeContext().getMetricGroup());
        // Accumulators too: a bounded run (detect) reports them when the job ends.
        records = new LongCounter();
        events = new LongCounter();
        skipped = new LongCounter();
        getRuntimeContext().addAccumulator(RECORDS, records);
        getRuntimeContext().addAccumulator(EVENTS, events);
        getRuntimeContext().addAccumulator(SKIPPED, skipped);
    }

    @Override
    public void flatMap(KafkaRecord record, Collector<ParsedRecord> out) {
        records.add(1L);
        ParseOutputs.parse(
                parser,
                record,
                counters,
                parsed -> {
                    if (parsed.event() != null) {
                        events.add(1L);
                    }
                    out.collect(parsed);
                },
                skipped::add);
    }
}
