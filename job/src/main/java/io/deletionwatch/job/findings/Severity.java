package io.deletionwatch.job.findings;

import java.util.Locale;

/** Finding severity with the ECS {@code event.severity} / risk values Elastic Security expects. */
public enum Severity {
    LOW(21),
    MEDIUM(47),
    HIGH(73),
    CRITICAL(99);

    private final int score;

    Severity(int score) {
        this.score = score;
    }

    public int score() {
        return score;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One step down, for allowlisted callers; low stays low. */
    public Severity lowered() {
        return this == LOW ? LOW : values()[ordinal() - 1];
    }
}
