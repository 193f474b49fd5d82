package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Enrichment;
import io.deletionwatch.job.findings.Evidence;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDetails;
import io.deletionwatch.job.findings.FindingIds;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Severity;
import java.time.Instant;
import java.util.List;

/** Builds findings whose caller, resource and time are those of one event. */
public final class SingleEventFindings {
    private SingleEventFindings() {}

    /**
     * A finding about {@code event}, identified by the operation it completes: every phase and
     * duplicate of that operation maps to the same id.
     */
    public static Finding of(
            RuleDefinition rule,
            Severity severity,
            ActivityEvent event,
            String message,
            List<ActivityEvent> evidence,
            FindingDetails details) {
        return withId(
                FindingIds.of(
                        rule.id(), event.correlationId(), event.resource().key(), event.operation()),
                rule,
                severity,
                event,
                message,
                evidence,
                details);
    }

    /**
     * A finding whose time, caller and primary resource are those of {@code event} (the one that
     * completed the incident), under an id the caller chose to identify the incident.
     */
    public static Finding withId(
            String id,
            RuleDefinition rule,
            Severity severity,
            ActivityEvent event,
            String message,
            List<ActivityEvent> evidence,
            FindingDetails details) {
        return new Finding(
                id,
                rule,
                severity,
                event.time(),
                Instant.now(),
                event.operation(),
                event.outcome().ecsValue(),
                message,
                event.caller(),
                event.callerIp(),
                event.resource(),
                event.resource().subscriptionId(),
                event.correlationId(),
                event.tenantId(),
                event.location(),
                evidence.stream().map(Evidence::of).toList(),
                details,
                Enrichment.NONE,
                false,
                0);
    }

    /** "in resource group rg-prod (subscription 1234...)", or less when the id lacks parts. */
    public static String where(ActivityEvent event) {
        StringBuilder where = new StringBuilder();
        if (event.resource().resourceGroup() != null) {
            where.append(" in resource group ").append(event.resource().resourceGroup());
        }
        if (event.resource().subscriptionId() != null) {
            where.append(" (subscription ").append(event.resource().subscriptionId()).append(')');
        }
        return where.toString();
    }
}
