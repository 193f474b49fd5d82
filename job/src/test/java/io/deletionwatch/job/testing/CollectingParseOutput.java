package io.deletionwatch.job.testing;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.parsing.ParseOutput;
import java.util.ArrayList;
import java.util.List;

/** Keeps what the parser made, for assertions. */
public final class CollectingParseOutput implements ParseOutput {
    public final List<ActivityEvent> events = new ArrayList<>();
    public final List<DeadLetter> deadLetters = new ArrayList<>();
    public final List<String> skipped = new ArrayList<>();

    @Override
    public void event(ActivityEvent event) {
        events.add(event);
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
        deadLetters.add(deadLetter);
    }

    @Override
    public void skipped(String category) {
        skipped.add(category);
    }
}
