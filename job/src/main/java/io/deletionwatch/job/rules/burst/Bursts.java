package io.deletionwatch.job.rules.burst;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.ResourceId;
import io.deletionwatch.job.findings.Enrichment;
import io.deletionwatch.job.findings.Evidence;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDetails;
import io.deletionwatch.job.findings.FindingIds;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.rules.ResourceNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by caller: turns the burst pattern's chunks into one finding per burst. A complete chunk
 * starts a burst (finding emitted at once, severity high) or extends the one under way; a
 * timed-out partial chunk only extends one. A chunk belongs to the burst under way when its first
 * deletion comes less than a window after the burst's last one. Updates reuse the burst's id and
 * are emitted when the burst turns critical (three times the threshold) and once more when it is
 * over (the watermark passed its last deletion plus two windows, by when every chunk that could
 * extend it has arrived), if it grew since the last emission.
 *
 * <p>Chunks arrive over two channels (the pattern's matches and its timed-out partial matches, a
 * side output), so they wait in {@code pending-chunks} until the watermark passes them and are
 * applied in event-time order; that costs no latency, as the pattern emits a chunk when the
 * watermark passes it.
 *
 * <p>State per caller with a burst under way: the {@link Burst} (about 1 KB plus up to {@link
 * #MAX_EVIDENCE} events of about 600 bytes) and one map entry per distinct resource deleted
 * (about 250 bytes). Cleared when the burst is over; a TTL of three windows plus the
 * out-of-orderness allowance backs that up. Pending chunks (about 600 bytes per deletion in them)
 * are removed by their timer, with a one-day TTL as a backstop. Callers without a burst hold no
 * state here once their chunks are applied.
 */
public final class Bursts extends KeyedProcessFunction<String, BurstChunk, Finding> {
    private static final long serialVersionUID = 1L;

    public static final int MAX_EVIDENCE = 25;
    private static final Duration PENDING_TTL = Duration.ofDays(1);

    private final RuleDefinition rule;
    private final int threshold;
    private final Duration window;
    private final Duration ttl;
    private transient ValueState<Burst> burst;
    private transient MapState<String, String> counted;
    private transient MapState<Long, List<BurstChunk>> pending;

    public Bursts(RuleDefinition rule, int threshold, Duration window, Duration outOfOrderness) {
        this.rule = rule;
        this.threshold = threshold;
        this.window = window;
        this.ttl = window.multipliedBy(3).plus(outOfOrderness);
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttlConfig = StateTtlConfig.newBuilder(ttl).build();
        ValueStateDescriptor<Burst> burstDescriptor =
                new ValueStateDescriptor<>("burst", TypeInformation.of(Burst.class));
        burstDescriptor.enableTimeToLive(ttlConfig);
        burst = getRuntimeContext().getState(burstDescriptor);
        MapStateDescriptor<String, String> countedDescriptor =
                new MapStateDescriptor<>("counted-resources", String.class, String.class);
        countedDescriptor.enableTimeToLive(ttlConfig);
        counted = getRuntimeContext().getMapState(countedDescriptor);
        MapStateDescriptor<Long, List<BurstChunk>> pendingDescriptor =
                new MapStateDescriptor<>(
                        "pending-chunks",
                        Types.LONG,
                        Types.LIST(TypeInformation.of(BurstChunk.class)));
        pendingDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(PENDING_TTL).build());
        pending = getRuntimeContext().getMapState(pendingDescriptor);
    }

    @Override
    public void processElement(BurstChunk chunk, Context ctx, Collector<Finding> out)
            throws Exception {
        // Complete and timed-out chunks come over two channels (main and side output) and
        // interleave: wait for the watermark and take them in event-time order.
        long time = ctx.timestamp();
        List<BurstChunk> atTime = pending.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(time);
        }
        atTime.add(chunk);
        pending.put(time, atTime);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out)
            throws Exception {
        List<BurstChunk> atTime = pending.get(timestamp);
        if (atTime != null) {
            pending.remove(timestamp);
            List<BurstChunk> ordered = new ArrayList<>(atTime);
            // a match before the partial matches that timed out at the same time
            ordered.sort(Comparator.comparing(c -> !c.complete()));
            for (BurstChunk chunk : ordered) {
                apply(chunk, ctx, out);
            }
        }
        Burst current = burst.value();
        if (current != null && current.closeAt() == timestamp) {
            close(current, out);
        }
    }

    private void apply(BurstChunk chunk, Context ctx, Collector<Finding> out) throws Exception {
        List<ActivityEvent> deletions =
                chunk.deletions().stream()
                        .sorted(Comparator.comparing(ActivityEvent::time))
                        .toList();
        if (deletions.isEmpty()) {
            return;
        }
        Burst current = burst.value();
        Instant start = deletions.get(0).time();
        if (current != null && !start.isBefore(current.lastSeen().plus(window))) {
            if (!chunk.complete()) {
                return; // a near miss after the burst: not part of it
            }
            close(current, out);
            current = null;
        }
        if (current != null && !chunk.complete() && start.isBefore(current.firstSeen())) {
            return; // a near miss from before the burst began
        }
        if (current == null) {
            if (!chunk.complete()) {
                return; // fewer than the threshold and no burst to extend
            }
            current =
                    new Burst(
                            FindingIds.of(rule.id(), chunk.callerKey(), start.toString()),
                            deletions.get(0),
                            deletions.get(0),
                            0,
                            List.of(),
                            0,
                            false,
                            Long.MIN_VALUE);
        }
        Burst grown = add(current, deletions);
        boolean critical = grown.count() >= 3L * threshold;
        if (grown.emittedCount() == 0 || (critical && !grown.emittedCritical())) {
            out.collect(finding(grown));
            grown = emitted(grown, critical);
        }
        long closeAt = grown.lastSeen().plus(window.multipliedBy(2)).toEpochMilli();
        if (closeAt != grown.closeAt()) {
            // An earlier close timer may stay: it finds closeAt changed and does nothing.
            ctx.timerService().registerEventTimeTimer(closeAt);
        }
        burst.update(withCloseAt(grown, closeAt));
    }

    /** Emits the last version if the burst grew since the last one, and forgets the burst. */
    private void close(Burst current, Collector<Finding> out) throws Exception {
        if (current.count() > current.emittedCount()) {
            out.collect(finding(current));
        }
        burst.clear();
        counted.clear();
    }

    private Burst add(Burst current, List<ActivityEvent> deletions) throws Exception {
        ActivityEvent first = current.first();
        ActivityEvent latest = current.latest();
        long count = current.count();
        List<ActivityEvent> evidence = new ArrayList<>(current.evidence());
        for (ActivityEvent deletion : deletions) {
            String key = deletion.resource().key();
            if (counted.contains(key)) {
                continue;
            }
            ResourceId resource = deletion.resource();
            String type = resource.fullType() == null ? "unknown" : resource.fullType();
            String group = resource.resourceGroup() == null ? "" : resource.resourceGroup();
            counted.put(key, type + '\n' + group);
            count++;
            if (deletion.time().isBefore(first.time())) {
                first = deletion;
            }
            if (!deletion.time().isBefore(latest.time())) {
                latest = deletion;
            }
            evidence.add(deletion);
        }
        evidence.sort(Comparator.comparing(ActivityEvent::time));
        if (evidence.size() > MAX_EVIDENCE) {
            evidence = new ArrayList<>(evidence.subList(0, MAX_EVIDENCE));
        }
        return new Burst(
                current.id(),
                first,
                latest,
                count,
                List.copyOf(evidence),
                current.emittedCount(),
                current.emittedCritical(),
                current.closeAt());
    }

    private static Burst emitted(Burst b, boolean critical) {
        return new Burst(
                b.id(), b.first(), b.latest(), b.count(), b.evidence(), b.count(), critical,
                b.closeAt());
    }

    private static Burst withCloseAt(Burst b, long closeAt) {
        return new Burst(
                b.id(), b.first(), b.latest(), b.count(), b.evidence(), b.emittedCount(),
                b.emittedCritical(), closeAt);
    }

    private Finding finding(Burst b) throws Exception {
        Map<String, Long> types = new TreeMap<>();
        TreeSet<String> groups = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String typeAndGroup : counted.values()) {
            int newline = typeAndGroup.indexOf('\n');
            types.merge(typeAndGroup.substring(0, newline), 1L, Long::sum);
            String group = typeAndGroup.substring(newline + 1);
            if (!group.isEmpty()) {
                groups.add(group);
            }
        }
        Severity severity = b.count() >= 3L * threshold ? Severity.CRITICAL : Severity.HIGH;
        ActivityEvent latest = b.latest();
        return new Finding(
                b.id(),
                rule,
                severity,
                b.lastSeen(),
                Instant.now(),
                latest.operation(),
                "success",
                message(b, types, groups),
                latest.caller(),
                latest.callerIp(),
                null,
                b.first().resource().subscriptionId(),
                null,
                b.first().tenantId(),
                null,
                b.evidence().stream().map(Evidence::of).toList(),
                new FindingDetails(
                        b.count(),
                        b.firstSeen(),
                        b.lastSeen(),
                        List.copyOf(groups),
                        types,
                        null,
                        null),
                Enrichment.NONE,
                false,
                0);
    }

    private static String message(Burst b, Map<String, Long> types, TreeSet<String> groups) {
        String typeList =
                types.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "));
        StringBuilder message = new StringBuilder(b.latest().caller().displayName());
        message.append(" deleted ").append(b.count()).append(" resources in ");
        message.append(ResourceNames.duration(Duration.between(b.firstSeen(), b.lastSeen())));
        message.append(" (").append(typeList).append(')');
        if (!groups.isEmpty()) {
            message.append(groups.size() == 1 ? " in resource group " : " in resource groups ");
            message.append(String.join(", ", groups));
        }
        return message.toString();
    }
}
