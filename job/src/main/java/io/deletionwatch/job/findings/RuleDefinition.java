package io.deletionwatch.job.findings;

import java.io.Serializable;
import java.util.List;

/**
 * What a rule is, as findings describe it.
 *
 * @param id the fixed {@code rule.id}
 * @param category {@code rule.category}, e.g. {@code network-security}
 * @param eventCategory ECS {@code event.category} values
 * @param eventType ECS {@code event.type} values
 * @param insiderThreatMatrix Insider Threat Matrix ids
 */
public record RuleDefinition(
        String id,
        String name,
        String description,
        String category,
        List<String> eventCategory,
        List<String> eventType,
        List<Technique> techniques,
        List<String> insiderThreatMatrix)
        implements Serializable {}
