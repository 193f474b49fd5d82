package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.NsgRestore;
import io.deletionwatch.job.rules.NsgDeletedRule;
import io.deletionwatch.job.rules.NsgDisassociatedThenDeletedRule;
import io.deletionwatch.job.rules.NsgForcedDeletionRule;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * Gives the NSG deletion findings ({@code nsg-deleted}, {@code nsg-disassociated-then-deleted},
 * {@code nsg-forced-deletion}) the deleted NSG's last known definition.
 *
 * <pre>
 * events ─ NSG, rule, subnet, NIC writes; NSG deletes ─ changes ─ keyBy(NSG) ─┐
 * findings ─┬─ NSG deletion findings ─ keyBy(NSG) ────────────────────────────┴─ nsg-definitions ─┐
 *           └─ every other finding ──────────────────────────────────────────────────────────────┴─ findings
 * </pre>
 */
public final class NsgRestores {
    /** The rules whose findings carry {@code deletion_watch.restore}. */
    public static final Set<String> RULES =
            Set.of(
                    NsgDeletedRule.DEFINITION.id(),
                    NsgDisassociatedThenDeletedRule.DEFINITION.id(),
                    NsgForcedDeletionRule.DEFINITION.id());

    static final String NOTHING_KNOWN = "; no earlier definition seen";

    private NsgRestores() {}

    public static boolean carriesRestore(Finding finding) {
        return finding.resource() != null && RULES.contains(finding.rule().id());
    }

    /** The findings, those of NSG deletions completed with what was known of the NSG. */
    public static DataStream<Finding> attach(
            DataStream<Finding> findings, DataStream<ActivityEvent> events, DetectionConfig config) {
        DataStream<NsgDefinitionChange> changes =
                events.filter(NsgDefinitionBodies::isRelevant)
                        .name("NSG, rule, subnet and NIC writes; NSG deletions")
                        .flatMap(new Changes(), TypeInformation.of(NsgDefinitionChange.class))
                        .name("What writes say about NSG definitions");
        DataStream<Finding> deletions =
                findings.filter(NsgRestores::carriesRestore).name("NSG deletion findings");
        DataStream<Finding> others =
                findings.filter(f -> !carriesRestore(f)).name("Other findings");
        DataStream<Finding> completed =
                changes.keyBy(NsgDefinitionChange::nsgKey)
                        .connect(deletions.keyBy(f -> f.resource().key()))
                        .process(
                                new NsgDefinitionTracker(
                                        config.rules().nsgDefinitionTtl(),
                                        config.dedupTtl(),
                                        NsgDefinitionTracker.DEFAULT_CAP_BYTES),
                                TypeInformation.of(Finding.class))
                        .uid("nsg-definitions")
                        .name("Last known NSG definitions");
        return others.union(completed);
    }

    /** The finding with the snapshot's definition, or saying that none was seen. */
    static Finding complete(Finding finding, NsgDefinitionTracker.NsgRestoreSnapshot snapshot) {
        if (snapshot == null || snapshot.restore() == null) {
            return finding.withRestore(null, NOTHING_KNOWN);
        }
        NsgRestore known = snapshot.restore();
        List<String> detached = finding.details().unprotectedResources();
        NsgRestore restore =
                detached == null || detached.isEmpty()
                        ? known
                        : new NsgRestore(
                                known.nsgId(),
                                known.lastSeen(),
                                known.lastSeenCorrelationId(),
                                known.location(),
                                known.tags(),
                                known.securityRules(),
                                NsgDefinition.union(known.subnets(), only(detached, true)),
                                NsgDefinition.union(known.networkInterfaces(), only(detached, false)),
                                known.truncated());
        int rules = restore.securityRules().size();
        String suffix =
                "; its last known definition ("
                        + rules
                        + (rules == 1 ? " security rule" : " security rules")
                        + ", written "
                        + restore.lastSeen()
                        + (restore.truncated() ? ", truncated" : "")
                        + ") is in deletion_watch.restore";
        return finding.withRestore(restore, suffix);
    }

    private static List<String> only(List<String> ids, boolean subnets) {
        return ids.stream().filter(id -> id.toLowerCase(java.util.Locale.ROOT).contains("/subnets/") == subnets).toList();
    }

    static final class Changes implements FlatMapFunction<ActivityEvent, NsgDefinitionChange> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(ActivityEvent event, Collector<NsgDefinitionChange> out) {
            NsgDefinitionBodies.changes(event).forEach(out::collect);
        }
    }
}
