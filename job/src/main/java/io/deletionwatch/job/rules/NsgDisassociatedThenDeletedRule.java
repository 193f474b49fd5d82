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
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * {@code nsg-disassociated-then-deleted}: an NSG was removed from subnets or NICs (leaving them
 * without one), then deleted within the window. Flink CEP in event time, keyed by NSG, on the
 * signals of {@link NsgAttachments}: {@code detached+ followedBy deleted within W}. All
 * detachments within the window before the deletion go into the one finding (skipping past the
 * match), which is about the deletion and names the subnets and NICs left unprotected.
 */
public final class NsgDisassociatedThenDeletedRule implements DetectionRule {
    private static final long serialVersionUID = 1L;

    public static final RuleDefinition DEFINITION =
            new RuleDefinition(
                    "nsg-disassociated-then-deleted",
                    "Network security group detached, then deleted",
                    "A network security group was removed from subnets or network interfaces and"
                            + " then deleted: whatever it protected is exposed now, and the detour"
                            + " around Azure's in-use check suggests intent.",
                    "network-security",
                    List.of("configuration", "network"),
                    List.of("change", "deletion"),
                    List.of(Technique.CLOUD_FIREWALL),
                    List.of("IF014.005"));

    private static final String DETACHED = "detached";
    private static final String DELETED = "deleted";

    private final Duration window;

    public NsgDisassociatedThenDeletedRule(Duration window) {
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
                Pattern.<NsgSignal>begin(DETACHED, AfterMatchSkipStrategy.skipPastLastEvent())
                        .where(SimpleCondition.of(s -> s.kind() == NsgSignal.Kind.DETACHED))
                        .oneOrMore()
                        .followedBy(DELETED)
                        .where(SimpleCondition.of(s -> s.kind() == NsgSignal.Kind.DELETED))
                        .within(window);
        return CEP.pattern(
                        inputs.nsgSignals().keyBy(NsgSignal::nsgKey), pattern, new NsgSignalOrder())
                .inEventTime()
                .process(new Matches())
                .uid("nsg-disassociated-then-deleted")
                .name("nsg-disassociated-then-deleted (CEP)");
    }

    static final class Matches extends PatternProcessFunction<NsgSignal, Finding> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(
                Map<String, List<NsgSignal>> match, Context ctx, Collector<Finding> out) {
            out.collect(
                    NsgSequenceFindings.of(
                            DEFINITION, null, match.get(DETACHED), match.get(DELETED).get(0)));
        }
    }
}
