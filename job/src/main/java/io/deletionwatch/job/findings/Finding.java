package io.deletionwatch.job.findings;

import io.deletionwatch.job.events.Caller;
import io.deletionwatch.job.events.ResourceId;
import java.time.Instant;
import java.util.List;

/**
 * A detection: one per incident, with a deterministic {@link #id()} so that replays and updates of
 * the same incident overwrite nothing and duplicate nothing.
 *
 * @param id {@code event.id} and the Elasticsearch {@code _id}
 * @param time the time of the event that completed the incident ({@code @timestamp})
 * @param created when the job made the finding ({@code event.created})
 * @param action the completing operation, lower case ({@code event.action})
 * @param message one readable sentence: who did what to which resource
 * @param resource the primary resource (e.g. the NSG); null for a caller's burst
 * @param revision how many times the finding was sent again with the same evidence because a
 *     piece that arrived late completed it (a rule change's Start row, an NSG's earlier write);
 *     0 as a rule first makes it. Part of {@link FindingDocument#version}.
 */
public record Finding(
        String id,
        RuleDefinition rule,
        Severity severity,
        Instant time,
        Instant created,
        String action,
        String outcome,
        String message,
        Caller caller,
        String sourceIp,
        ResourceId resource,
        String subscriptionId,
        String correlationId,
        String tenantId,
        String location,
        List<Evidence> evidence,
        FindingDetails details,
        Enrichment enrichment,
        boolean allowlisted,
        int revision) {

    public Finding withEnrichment(Enrichment newEnrichment) {
        return new Finding(
                id, rule, severity, time, created, action, outcome, message, caller, sourceIp,
                resource, subscriptionId, correlationId, tenantId, location, evidence, details,
                newEnrichment, allowlisted, revision);
    }

    /** The same finding by a caller now known by name, in a sentence that says that name. */
    public Finding withCaller(Caller newCaller, String newMessage) {
        return new Finding(
                id, rule, severity, time, created, action, outcome, newMessage, newCaller, sourceIp,
                resource, subscriptionId, correlationId, tenantId, location, evidence, details,
                enrichment, allowlisted, revision);
    }

    /** Expected work by a known caller: still reported, one severity step lower. */
    public Finding allowlist() {
        return new Finding(
                id, rule, severity.lowered(), time, created, action, outcome, message, caller,
                sourceIp, resource, subscriptionId, correlationId, tenantId, location, evidence,
                details, enrichment, true, revision);
    }

    /** The same finding with the deleted NSG's last known definition and a sentence more. */
    public Finding withRestore(NsgRestore restore, String messageSuffix) {
        return new Finding(
                id, rule, severity, time, created, action, outcome, message + messageSuffix, caller,
                sourceIp, resource, subscriptionId, correlationId, tenantId, location, evidence,
                details.withRestore(restore), enrichment, allowlisted, revision);
    }

    /** The same finding, sent again as revision {@code newRevision} (see {@link #revision}). */
    public Finding withRevision(int newRevision) {
        return new Finding(
                id, rule, severity, time, created, action, outcome, message, caller, sourceIp,
                resource, subscriptionId, correlationId, tenantId, location, evidence, details,
                enrichment, allowlisted, newRevision);
    }
}
