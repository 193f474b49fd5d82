package io.deletionwatch.job.parsing;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.events.ActivityEvent;
import org.apache.flink.util.Collector;

/** Runs the parser on one record, counting and collecting what it makes. */
final class ParseOutputs {
    private ParseOutputs() {}

    static void parse(
            ActivityLogParser parser,
            KafkaRecord record,
            ParseCounters counters,
            Collector<ParsedRecord> out) {
        parse(parser, record, counters, out::collect, count -> {});
    }

    static void parse(
            ActivityLogParser parser,
            KafkaRecord record,
            ParseCounters counters,
            java.util.function.Consumer<ParsedRecord> out,
            java.util.function.LongConsumer skippedCount) {
        counters.recordIn();
        parser.parse(
                record,
                new ParseOutput() {
                    @Override
                    public void event(ActivityEvent event) {
                        counters.eventOut();
                        out.accept(ParsedRecord.of(event));
                    }

                    @Override
                    public void deadLetter(DeadLetter deadLetter) {
                        counters.deadLetter(deadLetter.reason());
                        out.accept(ParsedRecord.of(deadLetter));
                    }

                    @Override
                    public void skipped(String category) {
                        counters.skipped();
                        skippedCount.accept(1L);
                    }
                });
    }
}
