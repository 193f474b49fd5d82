package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.RuleDefinition;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;

/** One detection. The pipeline hands every rule the de-duplicated events it {@link #accepts}. */
public interface DetectionRule extends Serializable {
    RuleDefinition definition();

    /**
     * Whether this rule can use the event at all. Only accepted events reach the rules' keyed
     * state and patterns: most Activity Log traffic is irrelevant, and CEP is the throughput
     * ceiling.
     */
    boolean accepts(ActivityEvent event);

    /**
     * Whether the rule matches in event time (sequences, bursts). Such a rule cannot use an event
     * that arrives after the watermark passed it: the pipeline dead-letters those ({@code late})
     * instead of handing them to the rule.
     */
    default boolean usesEventTime() {
        return false;
    }

    /** The rule's findings, built from what the pipeline offers. */
    DataStream<Finding> detect(RuleInputs inputs);
}
