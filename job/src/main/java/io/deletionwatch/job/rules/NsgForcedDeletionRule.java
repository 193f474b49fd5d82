package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Technique;
import io.deletionwatch.job.rules.nsg.NsgAttachments;
import io.deletionwatch.job.rules.nsg.NsgSequenceFindings;
import io.deletionwatch.job.rules.nsg.NsgSignal;
import io.deletionwatch.job.rules.nsg.NsgSignalOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * {@code nsg-forced-deletion}: a delete failed because the NSG was in use ({@code
 * InUseNetworkSecurityGroupCannotBeDeleted}), then the NSG was removed from subnets or NICs the
 * error listed, then deleted, all within the window. Flink CEP in event time, keyed by NSG: {@code
 * blocked followedBy detached+ (of a listed holder) followedBy deleted within W}.
 */
public final class NsgForcedDeletionRule implements DetectionRule {
    private static final long serialVersionUID = 1L;

    public static final RuleDefinition DEFINITION =
            new RuleDefinition(
                    "nsg-forced-deletion",
                    "Network security group deleted by force",
                    "Azure refused to delete a network security group because it was in use;"
                            + " the caller then removed it from the subnets or network interfaces"
                            + " that held it and deleted it.",
                    "network-security",
                    List.of("configuration", "network"),
                    List.of("change", "deletion"),
                    List.of(Technique.CLOUD_FIREWALL),
                    List.of("IF014.005"));

    private static final String BLOCKED = "blocked";
    private static final String DETACHED = "detached";
    private static final String DELETED = "deleted";

    private final Duration window;

    public NsgForcedDeletionRule(Duration window) {
        this.window = window;
    }

    @Override
    public RuleDefinition definition() {
        return DEFINITION;
    }

    @Override
    public boolean accepts(ActivityEvent event) {
        return NsgAttachments.isRelevant(event);
    }

    @Override
    public boolean usesEventTime() {
        return true;
    }

    @Override
    public DataStream<Finding> detect(RuleInputs inputs) {
        Pattern<NsgSignal, ?> pattern =
                Pattern.<NsgSignal>begin(BLOCKED, AfterMatchSkipStrategy.skipPastLastEvent())
                        .where(SimpleCondition.of(s -> s.kind() == NsgSignal.Kind.DELETE_BLOCKED))
                        .followedBy(DETACHED)
                        .where(new DetachedFromListedHolder())
                        .oneOrMore()
                        .followedBy(DELETED)
                        .where(SimpleCondition.of(s -> s.kind() == NsgSignal.Kind.DELETED))
                        .within(window);
        return CEP.pattern(
                        inputs.nsgSignals().keyBy(NsgSignal::nsgKey), pattern, new NsgSignalOrder())
                .inEventTime()
                .process(new Matches())
                .uid("nsg-forced-deletion")
                .name("nsg-forced-deletion (CEP)");
    }

    /** A detachment of a subnet or NIC that the refused delete's error listed. */
    static final class DetachedFromListedHolder extends IterativeCondition<NsgSignal> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(NsgSignal signal, Context<NsgSignal> ctx) throws Exception {
            if (signal.kind() != NsgSignal.Kind.DETACHED) {
                return false;
            }
            for (NsgSignal blocked : ctx.getEventsForPattern(BLOCKED)) {
                if (blocked.holders().contains(signal.holderKey())) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Matches extends PatternProcessFunction<NsgSignal, Finding> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(
                Map<String, List<NsgSignal>> match, Context ctx, Collector<Finding> out) {
            out.collect(
                    NsgSequenceFindings.of(
                            DEFINITION,
                            match.get(BLOCKED).get(0),
                            match.get(DETACHED),
                            match.get(DELETED).get(0)));
        }
    }
}
