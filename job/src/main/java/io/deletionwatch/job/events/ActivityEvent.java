package io.deletionwatch.job.events;

import java.time.Instant;

/**
 * One Azure Activity Log record, normalized.
 *
 * @param time the operation's time ({@code time})
 * @param operation {@code operationName} lower-cased, for matching
 * @param operationName {@code operationName} as received, for display
 * @param phase {@code resultType} as received ({@code Start}, {@code Success}, ...)
 * @param statusCode {@code properties.statusCode}, or null
 * @param outcome what the phase means for the operation
 * @param resource the parsed {@code resourceId}
 * @param caller who did it
 * @param callerIp {@code callerIpAddress}, or null
 * @param correlationId {@code correlationId}, or null
 * @param category {@code category}, or null
 * @param tenantId {@code tenantId}, or null
 * @param location {@code location}, or null
 * @param requestBody {@code properties.requestbody} as JSON text, or null when absent or empty
 * @param responseBody {@code properties.responseBody} as JSON text, or null
 * @param statusMessage {@code properties.statusMessage} as text, or null
 */
public record ActivityEvent(
        Instant time,
        String operation,
        String operationName,
        String phase,
        String statusCode,
        Outcome outcome,
        ResourceId resource,
        Caller caller,
        String callerIp,
        String correlationId,
        String category,
        String tenantId,
        String location,
        String requestBody,
        String responseBody,
        String statusMessage) {

    public boolean isDelete() {
        return operation.endsWith("/delete");
    }

    public boolean succeeded() {
        return outcome == Outcome.SUCCESS;
    }

    public boolean failed() {
        return outcome == Outcome.FAILURE;
    }

    /**
     * The same event without request, response and status bodies: what event-time state and
     * patterns buffer, once the bodies have been read.
     */
    public ActivityEvent withoutBodies() {
        if (requestBody == null && responseBody == null && statusMessage == null) {
            return this;
        }
        return new ActivityEvent(
                time, operation, operationName, phase, statusCode, outcome, resource, caller,
                callerIp, correlationId, category, tenantId, location, null, null, null);
    }

    /**
     * The identity of the operation this row is a phase of: rows for the same operation share it,
     * whatever their phase, so it tells transport duplicates and phases apart from new operations.
     */
    public String operationKey() {
        return correlationId + '|' + resource.key() + '|' + operation;
    }
}
