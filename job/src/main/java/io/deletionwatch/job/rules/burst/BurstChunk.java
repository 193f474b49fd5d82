package io.deletionwatch.job.rules.burst;

import io.deletionwatch.job.events.ActivityEvent;
import java.util.List;

/**
 * Deletions by one caller that the burst pattern grouped: a complete match (the threshold reached
 * within the window) or a partial match that timed out, which can only extend a burst already
 * under way.
 *
 * @param callerKey the caller the pattern is keyed by
 * @param deletions distinct deletions, in event-time order, bodies dropped
 * @param complete whether they reached the threshold
 */
public record BurstChunk(String callerKey, List<ActivityEvent> deletions, boolean complete) {}
