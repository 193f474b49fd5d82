package io.deletionwatch.job.parsing;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.events.ActivityEvent;

/** Where {@link ActivityLogParser} puts what it makes of one Kafka record. */
public interface ParseOutput {
    void event(ActivityEvent event);

    void deadLetter(DeadLetter deadLetter);

    /** A record of another log category (sign-in logs, resource logs) that shares the hub. */
    void skipped(String category);
}
