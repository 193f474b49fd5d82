package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.NsgRestore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by NSG: keeps its last known definition ({@code definition}) from the NSG's successful
 * writes, its rules' writes and deletes and the subnet/NIC writes that attach it, and gives every
 * NSG deletion finding the definition as it stood when the deletion arrived.
 *
 * <p>Both arrive here by different paths, so neither order is assumed: the deletion's own event
 * (input 1) takes a snapshot under its correlation id ({@code deletion-snapshots}); a finding
 * (input 2) whose snapshot is there is completed at once, else it waits for it in {@code
 * pending-findings}. A finding whose deletion never shows up here (it cannot, unless its event was
 * dropped upstream) goes out without a definition once event time is {@link #PENDING_GRACE} past
 * it.
 *
 * <p>A write from before the deletion may also arrive after it (a backlog read over several
 * partitions; the deletion's own path is shorter). The definition the deletion found and the
 * findings completed with it are kept under its correlation id ({@code deletion-definitions}); a
 * later change whose event time is not after the deletion goes to the earliest such deletion
 * instead of the live definition, and when it changes what the findings carry, each is sent again
 * with the new definition and its {@link Finding#revision} one higher, so that Elasticsearch
 * replaces the copy it has.
 *
 * <p>State per NSG: {@code definition} at most {@code capBytes} serialized (the rules kept first,
 * see {@link NsgDefinition#capped}), expiring {@code definitionTtl} after the last write that
 * changed it; snapshots, deletion definitions and pending findings only around a deletion,
 * expiring after {@code snapshotTtl}.
 */
public final class NsgDefinitionTracker
        extends KeyedCoProcessFunction<String, NsgDefinitionChange, Finding, Finding> {
    private static final long serialVersionUID = 1L;

    /** Event time a finding waits for its deletion's snapshot (phase rows are seconds apart). */
    static final Duration PENDING_GRACE = Duration.ofMinutes(1);

    /** The default byte cap of one NSG's definition in state. */
    public static final int DEFAULT_CAP_BYTES = 16 * 1024;

    private final Duration definitionTtl;
    private final Duration snapshotTtl;
    private final int capBytes;
    private transient ValueState<NsgDefinition> definition;
    private transient MapState<String, NsgRestoreSnapshot> snapshots;
    private transient MapState<String, List<Finding>> pending;
    private transient MapState<String, DeletionRecord> deletions;
    private transient TypeSerializer<NsgDefinition> serializer;
    private transient DataOutputSerializer buffer;

    public NsgDefinitionTracker(Duration definitionTtl, Duration snapshotTtl, int capBytes) {
        this.definitionTtl = definitionTtl;
        this.snapshotTtl = snapshotTtl;
        this.capBytes = capBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<NsgDefinition> definitionDescriptor =
                new ValueStateDescriptor<>("definition", TypeInformation.of(NsgDefinition.class));
        definitionDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(definitionTtl).build());
        definition = getRuntimeContext().getState(definitionDescriptor);

        MapStateDescriptor<String, NsgRestoreSnapshot> snapshotDescriptor =
                new MapStateDescriptor<>(
                        "deletion-snapshots", Types.STRING, TypeInformation.of(NsgRestoreSnapshot.class));
        snapshotDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(snapshotTtl).build());
        snapshots = getRuntimeContext().getMapState(snapshotDescriptor);

        MapStateDescriptor<String, List<Finding>> pendingDescriptor =
                new MapStateDescriptor<>(
                        "pending-findings", Types.STRING, Types.LIST(TypeInformation.of(Finding.class)));
        pendingDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(snapshotTtl).build());
        pending = getRuntimeContext().getMapState(pendingDescriptor);

        MapStateDescriptor<String, DeletionRecord> deletionDescriptor =
                new MapStateDescriptor<>(
                        "deletion-definitions", Types.STRING, TypeInformation.of(DeletionRecord.class));
        deletionDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(snapshotTtl).build());
        deletions = getRuntimeContext().getMapState(deletionDescriptor);

        serializer = TypeInformation.of(NsgDefinition.class).createSerializer(new SerializerConfigImpl());
        buffer = new DataOutputSerializer(4096);
    }

    @Override
    public void processElement1(NsgDefinitionChange change, Context ctx, Collector<Finding> out)
            throws Exception {
        if (change.kind() != NsgDefinitionChange.Kind.DELETED && revisedDeletion(change, out)) {
            return; // from before a deletion seen here: the deleted NSG's past, not the live one's
        }
        NsgDefinition known = definition.value();
        if (known == null && change.kind() == NsgDefinitionChange.Kind.ATTACHED) {
            return; // associations alone restore nothing: state only for NSGs whose writes were seen
        }
        NsgDefinition current = known != null ? known : NsgDefinition.empty(change.nsgId());
        if (change.kind() == NsgDefinitionChange.Kind.DELETED && change.correlationId() != null
                && !snapshots.contains(change.correlationId())) {
            // After an earlier deletion (no write seen since) only a tombstone is known.
            NsgDefinition before = current.deletedAt() > 0 ? NsgDefinition.empty(change.nsgId()) : current;
            NsgRestoreSnapshot snapshot = NsgRestoreSnapshot.of(before);
            snapshots.put(change.correlationId(), snapshot);
            List<Finding> waiting = pending.get(change.correlationId());
            DeletionRecord deletion = new DeletionRecord(change.time(), before, List.of());
            if (waiting != null) {
                pending.remove(change.correlationId());
                for (Finding f : waiting) {
                    out.collect(NsgRestores.complete(f, snapshot));
                    deletion = deletion.with(f);
                }
            }
            deletions.put(change.correlationId(), deletion);
        }
        if (known == null && change.kind() == NsgDefinitionChange.Kind.DELETED) {
            return; // nothing was known: no tombstone either
        }
        NsgDefinition next = current.apply(change);
        if (next != current) {
            definition.update(next.capped(capBytes, this::serializedSize));
        }
    }

    @Override
    public void processElement2(Finding finding, Context ctx, Collector<Finding> out) throws Exception {
        String correlationId = finding.correlationId();
        NsgRestoreSnapshot snapshot = correlationId == null ? null : snapshots.get(correlationId);
        if (snapshot != null || correlationId == null) {
            DeletionRecord deletion = correlationId == null ? null : deletions.get(correlationId);
            Finding sent = finding;
            if (deletion != null) {
                sent = finding.withRevision(deletion.revisionOf(finding.id()));
                deletions.put(correlationId, deletion.with(sent));
            }
            out.collect(NsgRestores.complete(sent, snapshot));
            return;
        }
        List<Finding> waiting = pending.get(correlationId);
        if (waiting == null) {
            waiting = new ArrayList<>();
            ctx.timerService()
                    .registerEventTimeTimer(finding.time().plus(PENDING_GRACE).toEpochMilli());
        }
        waiting.add(finding);
        pending.put(correlationId, waiting);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
        List<String> due = new ArrayList<>();
        for (var entry : pending.entries()) {
            if (!entry.getValue().isEmpty()
                    && entry.getValue().get(0).time().plus(PENDING_GRACE).toEpochMilli() <= timestamp) {
                due.add(entry.getKey());
            }
        }
        for (String correlationId : due) {
            pending.get(correlationId).forEach(f -> out.collect(NsgRestores.complete(f, null)));
            pending.remove(correlationId);
        }
    }

    /**
     * Applies a change from before a deletion seen here to the definition that deletion found, and
     * sends its findings again when that changes what they carry.
     *
     * @return whether the change was before such a deletion (and so is not the live NSG's)
     */
    private boolean revisedDeletion(NsgDefinitionChange change, Collector<Finding> out) throws Exception {
        String correlationId = null;
        DeletionRecord deletion = null;
        for (var entry : deletions.entries()) {
            DeletionRecord d = entry.getValue();
            if (change.time() <= d.deletedAt() && (deletion == null || d.deletedAt() < deletion.deletedAt())) {
                correlationId = entry.getKey();
                deletion = d;
            }
        }
        if (deletion == null) {
            return false;
        }
        if (change.kind() == NsgDefinitionChange.Kind.ATTACHED && deletion.definition().lastSeen() == 0) {
            return true; // as for a live NSG: associations alone restore nothing
        }
        NsgDefinition next = deletion.definition().apply(change);
        if (next == deletion.definition()) {
            return true;
        }
        next = next.capped(capBytes, this::serializedSize);
        NsgRestoreSnapshot snapshot = NsgRestoreSnapshot.of(next);
        List<Finding> findings = deletion.findings();
        if (!snapshot.equals(NsgRestoreSnapshot.of(deletion.definition()))) {
            snapshots.put(correlationId, snapshot);
            findings = new ArrayList<>();
            for (Finding f : deletion.findings()) {
                Finding again = f.withRevision(f.revision() + 1);
                findings.add(again);
                out.collect(NsgRestores.complete(again, snapshot));
            }
        }
        deletions.put(correlationId, new DeletionRecord(deletion.deletedAt(), next, findings));
        return true;
    }

    int serializedSize(NsgDefinition value) {
        return serializedSize(serializer, buffer, value);
    }

    /** Bytes of the definition as Flink's serializer writes it into state (before the backend's own overhead). */
    public static int serializedBytes(NsgDefinition value) {
        return serializedSize(
                TypeInformation.of(NsgDefinition.class).createSerializer(new SerializerConfigImpl()),
                new DataOutputSerializer(4096),
                value);
    }

    private static int serializedSize(
            TypeSerializer<NsgDefinition> serializer, DataOutputSerializer buffer, NsgDefinition value) {
        try {
            buffer.clear();
            serializer.serialize(value, buffer);
            return buffer.length();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A deletion seen here: its time, the definition it found (with the changes from before it that
     * arrived after it) and the findings completed with it, as their rules made them, each with
     * the revision last sent.
     */
    public record DeletionRecord(long deletedAt, NsgDefinition definition, List<Finding> findings) {
        /** The revision a finding of this deletion goes out with: its last one, 0 for a new id. */
        int revisionOf(String findingId) {
            return findings.stream().filter(f -> f.id().equals(findingId)).mapToInt(Finding::revision).findFirst().orElse(0);
        }

        /** With {@code finding} in place of an earlier version of it. */
        DeletionRecord with(Finding finding) {
            List<Finding> next = new ArrayList<>(findings.stream().filter(f -> !f.id().equals(finding.id())).toList());
            next.add(finding);
            return new DeletionRecord(deletedAt, definition, next);
        }
    }

    /** The definition a deletion found, or none; what its findings carry. */
    public record NsgRestoreSnapshot(NsgRestore restore) {
        static NsgRestoreSnapshot of(NsgDefinition d) {
            return new NsgRestoreSnapshot(d.isKnown() ? d.toRestore(List.of()) : null);
        }
    }
}
