package io.deletionwatch.job.rules.burst;

import io.deletionwatch.job.events.ActivityEvent;
import java.time.Instant;
import java.util.List;

/**
 * A caller's burst of deletions under way: what its finding needs besides the per-resource counts
 * ({@link Bursts} keeps those in map state).
 *
 * @param id the finding id, fixed when the burst starts: every update reuses it
 * @param first the burst's first deletion (subscription, tenant, first time)
 * @param latest the latest deletion (caller, address, action, the finding's time)
 * @param count distinct resources deleted
 * @param evidence the first deletions, at most {@link Bursts#MAX_EVIDENCE}
 * @param emittedCount the count the last emitted finding showed
 * @param emittedCritical whether the last emitted finding was critical
 * @param closeAt the event time at which the burst is over, unless it grows
 */
public record Burst(
        String id,
        ActivityEvent first,
        ActivityEvent latest,
        long count,
        List<ActivityEvent> evidence,
        long emittedCount,
        boolean emittedCritical,
        long closeAt) {

    public Instant firstSeen() {
        return first.time();
    }

    public Instant lastSeen() {
        return latest.time();
    }
}
