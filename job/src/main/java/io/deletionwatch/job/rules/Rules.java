package io.deletionwatch.job.rules;

import java.util.List;

/** The detection rules the job runs. */
public final class Rules {
    private Rules() {}

    public static List<DetectionRule> all() {
        return List.of(new NsgDeletedRule());
    }
}
