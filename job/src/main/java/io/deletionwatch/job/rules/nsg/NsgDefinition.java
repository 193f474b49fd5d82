package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.findings.NsgRestore;
import io.deletionwatch.job.findings.NsgSecurityRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The last known definition of one NSG, the value of {@code nsg-definitions} state. Writes are
 * applied newest-wins by event time, per rule: an NSG PUT replaces the rules older than itself, a
 * rule write or delete replaces one rule unless a newer write already showed it. After the NSG's
 * deletion only {@link #deletedAt} remains, so that an older write arriving late cannot bring the
 * definition back; a newer write (the NSG created again) starts afresh.
 *
 * @param nsgWrittenAt time of the newest NSG PUT applied (it owns location and tags); 0 when none
 * @param lastSeen time of the newest write applied, NSG or rule
 * @param lastSeenCorrelationId that write's correlation id
 * @param rules current rules and tombstones of deleted ones
 * @param deletedAt time of the NSG's deletion, 0 while it exists
 */
public record NsgDefinition(
        String nsgId,
        long nsgWrittenAt,
        long lastSeen,
        String lastSeenCorrelationId,
        String location,
        Map<String, String> tags,
        List<NsgSecurityRule> rules,
        List<String> subnets,
        List<String> networkInterfaces,
        boolean truncated,
        long deletedAt) {

    /** The definition the changes make, applied in order (for sizing and tests). */
    public static NsgDefinition of(String nsgId, List<NsgDefinitionChange> changes) {
        NsgDefinition d = empty(nsgId);
        for (NsgDefinitionChange c : changes) {
            d = d.apply(c);
        }
        return d;
    }

    static NsgDefinition empty(String nsgId) {
        return new NsgDefinition(
                nsgId, 0, 0, null, null, Map.of(), List.of(), List.of(), List.of(), false, 0);
    }

    /** Whether a write showed anything of this NSG's rules or location. */
    boolean isKnown() {
        return deletedAt == 0 && (nsgWrittenAt > 0 || rules.stream().anyMatch(r -> !r.removed()));
    }

    /** The definition after the change; this one when the change is older than what is known. */
    NsgDefinition apply(NsgDefinitionChange change) {
        if (deletedAt > 0) {
            if (change.time() <= deletedAt || change.kind() == NsgDefinitionChange.Kind.DELETED) {
                return this;
            }
            return empty(change.nsgId()).apply(change);
        }
        return switch (change.kind()) {
            case NSG_WRITTEN -> nsgWritten(change);
            case RULE_WRITTEN, RULE_DELETED -> ruleWritten(change);
            case ATTACHED -> withAssociations(change.subnets(), change.networkInterfaces());
            case DELETED -> new NsgDefinition(
                    nsgId, 0, lastSeen, lastSeenCorrelationId, null, Map.of(), List.of(), List.of(),
                    List.of(), false, Math.max(1, change.time()));
        };
    }

    private NsgDefinition nsgWritten(NsgDefinitionChange c) {
        if (c.time() < nsgWrittenAt) {
            return withAssociations(c.subnets(), c.networkInterfaces());
        }
        Map<String, NsgSecurityRule> byName = new LinkedHashMap<>();
        for (NsgSecurityRule kept : rules) {
            if (kept.seen() > c.time()) {
                byName.put(kept.name().toLowerCase(Locale.ROOT), kept); // a newer rule write or delete
            }
        }
        for (NsgSecurityRule written : c.rules()) {
            byName.putIfAbsent(written.name().toLowerCase(Locale.ROOT), written);
        }
        boolean newest = c.time() >= lastSeen;
        return new NsgDefinition(
                        c.nsgId(),
                        c.time(),
                        newest ? c.time() : lastSeen,
                        newest ? c.correlationId() : lastSeenCorrelationId,
                        c.location() != null ? c.location() : location,
                        c.tags() != null ? Map.copyOf(c.tags()) : tags,
                        new ArrayList<>(byName.values()),
                        subnets,
                        networkInterfaces,
                        truncated,
                        0)
                .withAssociations(c.subnets(), c.networkInterfaces());
    }

    private NsgDefinition ruleWritten(NsgDefinitionChange c) {
        NsgSecurityRule written = c.rules().get(0);
        List<NsgSecurityRule> next = new ArrayList<>();
        boolean replaced = false;
        for (NsgSecurityRule kept : rules) {
            if (kept.name().equalsIgnoreCase(written.name())) {
                if (kept.seen() > c.time()) {
                    return this; // a newer write already showed this rule
                }
                next.add(written);
                replaced = true;
            } else {
                next.add(kept);
            }
        }
        if (!replaced) {
            next.add(written);
        }
        boolean newest = c.time() >= lastSeen;
        return new NsgDefinition(
                nsgId != null ? nsgId : c.nsgId(),
                nsgWrittenAt,
                newest ? c.time() : lastSeen,
                newest ? c.correlationId() : lastSeenCorrelationId,
                location,
                tags,
                next,
                subnets,
                networkInterfaces,
                truncated,
                0);
    }

    private NsgDefinition withAssociations(List<String> moreSubnets, List<String> moreNics) {
        if (moreSubnets.isEmpty() && moreNics.isEmpty()) {
            return this;
        }
        return new NsgDefinition(
                nsgId, nsgWrittenAt, lastSeen, lastSeenCorrelationId, location, tags, rules,
                union(subnets, moreSubnets), union(networkInterfaces, moreNics), truncated, deletedAt);
    }

    /** Ids in first-seen order, once each whatever their letter case. */
    static List<String> union(List<String> a, List<String> b) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String id : a) {
            byKey.putIfAbsent(id.toLowerCase(Locale.ROOT), id);
        }
        for (String id : b) {
            byKey.putIfAbsent(id.toLowerCase(Locale.ROOT), id);
        }
        return new ArrayList<>(byKey.values());
    }

    /**
     * This definition within {@code capBytes} as measured by {@code size}: drops the tags, then the
     * rules' descriptions, then the tombstones, then the associations, then the lowest-priority
     * rules (highest numbers) one by one, and marks it truncated.
     */
    NsgDefinition capped(int capBytes, ToIntFunction<NsgDefinition> size) {
        if (size.applyAsInt(this) <= capBytes) {
            return this;
        }
        NsgDefinition d = new NsgDefinition(
                nsgId, nsgWrittenAt, lastSeen, lastSeenCorrelationId, location, Map.of(), rules,
                subnets, networkInterfaces, true, deletedAt);
        if (size.applyAsInt(d) <= capBytes) {
            return d;
        }
        d = d.withRules(d.rules.stream().map(NsgSecurityRule::withoutDescription).toList());
        if (size.applyAsInt(d) <= capBytes) {
            return d;
        }
        d = d.withRules(d.rules.stream().filter(r -> !r.removed()).toList());
        if (size.applyAsInt(d) <= capBytes) {
            return d;
        }
        d = new NsgDefinition(
                nsgId, nsgWrittenAt, lastSeen, lastSeenCorrelationId, location, Map.of(), d.rules,
                List.of(), List.of(), true, deletedAt);
        List<NsgSecurityRule> byPriority = new ArrayList<>(d.rules);
        byPriority.sort(BY_PRIORITY);
        while (!byPriority.isEmpty() && size.applyAsInt(d) > capBytes) {
            byPriority.remove(byPriority.size() - 1);
            d = d.withRules(List.copyOf(byPriority));
        }
        if (size.applyAsInt(d) > capBytes) {
            // Even the names are over the cap (a hostile body): keep only what identifies the NSG.
            d = new NsgDefinition(nsgId, nsgWrittenAt, lastSeen, lastSeenCorrelationId, null, Map.of(),
                    List.of(), List.of(), List.of(), true, deletedAt);
        }
        return d;
    }

    private NsgDefinition withRules(List<NsgSecurityRule> newRules) {
        return new NsgDefinition(
                nsgId, nsgWrittenAt, lastSeen, lastSeenCorrelationId, location, tags, newRules,
                subnets, networkInterfaces, truncated, deletedAt);
    }

    /** Lower numbers are evaluated first; rules without a priority last. */
    static final Comparator<NsgSecurityRule> BY_PRIORITY =
            Comparator.comparing(
                            (NsgSecurityRule r) -> r.priority() == null ? Integer.MAX_VALUE : r.priority())
                    .thenComparing(NsgSecurityRule::name, String.CASE_INSENSITIVE_ORDER);

    /**
     * What a finding shows: the rules by priority (tombstones left out), the associations joined
     * with the subnets and NICs the finding itself names.
     */
    NsgRestore toRestore(List<String> alsoAttachedTo) {
        List<NsgSecurityRule> shown = new ArrayList<>(rules.stream().filter(r -> !r.removed()).toList());
        shown.sort(BY_PRIORITY);
        List<String> moreSubnets = new ArrayList<>();
        List<String> moreNics = new ArrayList<>();
        for (String id : alsoAttachedTo) {
            (id.toLowerCase(Locale.ROOT).contains("/subnets/") ? moreSubnets : moreNics).add(id);
        }
        return new NsgRestore(
                nsgId,
                Instant.ofEpochMilli(lastSeen),
                lastSeenCorrelationId,
                location,
                tags,
                shown,
                union(subnets, moreSubnets),
                union(networkInterfaces, moreNics),
                truncated);
    }
}
