package io.deletionwatch.job.events;

/** What a phase row says about its operation; see activity-log.md "Phases". */
public enum Outcome {
    /** Done: {@code Success}, or {@code Accept}/status {@code Accepted} of an async delete. */
    SUCCESS,
    FAILURE,
    /** {@code Start}, or {@code Accept} of an operation that is not a delete. */
    IN_PROGRESS,
    /** Rows that are not operation phases (health events, alerts). */
    OTHER;

    public String ecsValue() {
        return switch (this) {
            case SUCCESS -> "success";
            case FAILURE -> "failure";
            default -> "unknown";
        };
    }
}
