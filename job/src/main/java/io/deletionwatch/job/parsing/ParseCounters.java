package io.deletionwatch.job.parsing;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The parser's Flink metrics: records in, events out, records of other log categories skipped, and
 * dead letters by reason ({@code deadLetters} under a {@code reason} group).
 */
public final class ParseCounters {
    private final MetricGroup group;
    private final Counter recordsIn;
    private final Counter eventsOut;
    private final Counter skipped;
    private final Map<String, Counter> deadLettersByReason = new HashMap<>();

    public ParseCounters(MetricGroup parent) {
        this.group = parent.addGroup("activityLog");
        this.recordsIn = group.counter("recordsIn");
        this.eventsOut = group.counter("eventsOut");
        this.skipped = group.counter("recordsSkipped");
    }

    public void recordIn() {
        recordsIn.inc();
    }

    public void eventOut() {
        eventsOut.inc();
    }

    public void skipped() {
        skipped.inc();
    }

    public void deadLetter(String reason) {
        deadLettersByReason
                .computeIfAbsent(reason, r -> group.addGroup("reason", r).counter("deadLetters"))
                .inc();
    }
}
