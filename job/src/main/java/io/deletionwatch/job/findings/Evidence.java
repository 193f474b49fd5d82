package io.deletionwatch.job.findings;

import io.deletionwatch.job.events.ActivityEvent;
import java.time.Instant;

/** One contributing Activity Log event, as a finding lists it. */
public record Evidence(
        Instant time,
        String operation,
        String resourceId,
        String phase,
        String correlationId,
        String statusCode,
        String caller) {

    public static Evidence of(ActivityEvent event) {
        return new Evidence(
                event.time(),
                event.operationName(),
                event.resource().id(),
                event.phase(),
                event.correlationId(),
                event.statusCode(),
                event.caller().displayName());
    }
}
