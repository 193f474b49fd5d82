package io.deletionwatch.kibana.setup;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What setup did and did not do, printed step by step as it goes and summed up at the end. */
public final class SetupReport {
    /** The outcome of one step. */
    public enum Outcome {
        CREATED("created"),
        UPDATED("updated"),
        UNCHANGED("unchanged"),
        /** An existing object (a preconfigured connector) is used as it is. */
        USED("using"),
        SKIPPED("skipped");

        private final String word;

        Outcome(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /**
     * One step.
     *
     * @param subject what the step is about, e.g. {@code index template deletion-watch-findings}
     * @param outcome what happened
     * @param detail why, or what else to know; may be empty
     */
    public record Step(String subject, Outcome outcome, String detail) {
        String line() {
            String text = String.format("  %-9s %s", outcome.word(), subject);
            return detail.isEmpty() ? text : text + ": " + detail;
        }
    }

    private final PrintStream out;
    private final List<Step> steps = new ArrayList<>();

    SetupReport(PrintStream out) {
        this.out = out;
    }

    void section(String title) {
        out.println(title);
    }

    void record(String subject, Outcome outcome, String detail) {
        Step step = new Step(subject, outcome, detail == null ? "" : detail);
        steps.add(step);
        out.println(step.line());
    }

    void record(String subject, Outcome outcome) {
        record(subject, outcome, "");
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /** The one-line summary, e.g. {@code setup done: 2 created, 1 unchanged, 3 skipped}. */
    String summary(boolean failed) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        steps.forEach(step -> counts.merge(step.outcome(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((outcome, n) -> parts.add(n + " " + outcome.word()));
        String done = parts.isEmpty() ? "nothing done" : String.join(", ", parts);
        return (failed ? "setup stopped after: " : "setup done: ") + done;
    }
}
