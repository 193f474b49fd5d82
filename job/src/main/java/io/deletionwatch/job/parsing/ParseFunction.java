package io.deletionwatch.job.parsing;

import io.deletionwatch.connectors.source.KafkaRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/** The parser as an operator, for inputs that are not Kafka (files, tests). */
public final class ParseFunction extends RichFlatMapFunction<KafkaRecord, ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final ActivityLogParser parser;
    private transient ParseCounters counters;

    public ParseFunction(ActivityLogParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new ParseCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void flatMap(KafkaRecord record, Collector<ParsedRecord> out) {
        ParseOutputs.parse(parser, record, counters, out);
    }
}
