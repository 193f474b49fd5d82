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
     * The rule's findings.
     *
     * @param events de-duplicated events (one per operation and outcome) that some rule accepts,
     *     with event-time timestamps and watermarks
     */
    DataStream<Finding> detect(DataStream<ActivityEvent> events);
}
