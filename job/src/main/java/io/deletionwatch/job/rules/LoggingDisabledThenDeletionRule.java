package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDetails;
import io.deletionwatch.job.findings.FindingIds;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.findings.Technique;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * {@code logging-disabled-then-deletion}: a caller switched logging off (see {@link
 * LoggingDisabledRule}), then deleted something else within the window. Flink CEP in event time,
 * keyed by caller: {@code disabled followedBy deletion within W}. Skipping past the match makes one
 * finding per incident however many logs were switched off before and however many deletions
 * follow; the finding is about the first deletion (its time, resource and caller) and is
 * identified by the caller and the first logging deletion. Deleting more logging (a workspace
 * after its diagnostic setting) is not the "deletion" half: that is logging-disabled again.
 */
public final class LoggingDisabledThenDeletionRule implements DetectionRule {
    private static final long serialVersionUID = 1L;

    public static final RuleDefinition DEFINITION =
            new RuleDefinition(
                    "logging-disabled-then-deletion",
                    "Logging disabled, then resources deleted",
                    "A caller switched logging off and then deleted resources: the pattern of"
                            + " someone covering their tracks before doing damage.",
                    "defense-evasion",
                    List.of("configuration"),
                    List.of("deletion"),
                    List.of(Technique.CLOUD_LOGS, Technique.DATA_DESTRUCTION),
                    List.of("IF014.005", "AF018.002"));

    private static final String DISABLED = "disabled";
    private static final String DELETION = "deletion";

    private final Duration window;

    public LoggingDisabledThenDeletionRule(Duration window) {
        this.window = window;
    }

    @Override
    public RuleDefinition definition() {
        return DEFINITION;
    }

    @Override
    public boolean accepts(ActivityEvent event) {
        return event.succeeded() && event.isDelete() && event.caller().key() != null;
    }

    @Override
    public boolean usesEventTime() {
        return true;
    }

    @Override
    public DataStream<Finding> detect(RuleInputs inputs) {
        DataStream<ActivityEvent> deletions =
                inputs.onTimeEvents()
                        .filter(this::accepts)
                        .name("Deletions by a known caller")
                        .map(ActivityEvent::withoutBodies)
                        .name("Drop bodies");
        Pattern<ActivityEvent, ?> pattern =
                Pattern.<ActivityEvent>begin(DISABLED, AfterMatchSkipStrategy.skipPastLastEvent())
                        .where(SimpleCondition.of(LoggingDisabledRule::isLoggingDisabled))
                        .followedBy(DELETION)
                        .where(SimpleCondition.of(e -> !Operations.isLoggingDelete(e.operation())))
                        .within(window);
        return CEP.pattern(
                        deletions.keyBy(e -> e.caller().key()), pattern, new LoggingFirst())
                .inEventTime()
                .process(new Matches())
                .uid("logging-disabled-then-deletion")
                .name("logging-disabled-then-deletion (CEP)");
    }

    /** Of events with the same time, the logging deletion goes first. */
    static final class LoggingFirst implements EventComparator<ActivityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(ActivityEvent a, ActivityEvent b) {
            return Boolean.compare(
                    !Operations.isLoggingDelete(a.operation()),
                    !Operations.isLoggingDelete(b.operation()));
        }
    }

    static final class Matches extends PatternProcessFunction<ActivityEvent, Finding> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(
                Map<String, List<ActivityEvent>> match, Context ctx, Collector<Finding> out) {
            out.collect(finding(match.get(DISABLED).get(0), match.get(DELETION).get(0)));
        }
    }

    static Finding finding(ActivityEvent disabled, ActivityEvent deletion) {
        String message =
                deletion.caller().displayName()
                        + " deleted "
                        + ResourceNames.describe(deletion.resource())
                        + SingleEventFindings.where(deletion)
                        + " "
                        + ResourceNames.duration(Duration.between(disabled.time(), deletion.time()))
                        + " after deleting "
                        + ResourceNames.describe(disabled.resource())
                        + ", which switched logging off";
        return SingleEventFindings.withId(
                FindingIds.of(DEFINITION.id(), deletion.caller().key(), disabled.operationKey()),
                DEFINITION,
                Severity.CRITICAL,
                deletion,
                message,
                List.of(disabled, deletion),
                new FindingDetails(
                        null, disabled.time(), deletion.time(), null, null, null, null));
    }
}
