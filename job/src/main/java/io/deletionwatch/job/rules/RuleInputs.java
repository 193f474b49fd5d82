package io.deletionwatch.job.rules;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.rules.nsg.NsgAttachments;
import io.deletionwatch.job.rules.nsg.NsgSignal;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What the pipeline offers the rules: the de-duplicated events (all of them, and those on time for
 * event-time matching), the configuration, and derived streams that several rules share, built
 * once however many rules use them.
 */
public final class RuleInputs {
    private final DataStream<ActivityEvent> events;
    private final DataStream<ActivityEvent> onTimeEvents;
    private final DetectionConfig config;
    private DataStream<NsgSignal> nsgSignals;

    public RuleInputs(
            DataStream<ActivityEvent> events,
            DataStream<ActivityEvent> onTimeEvents,
            DetectionConfig config) {
        this.events = events;
        this.onTimeEvents = onTimeEvents;
        this.config = config;
    }

    /**
     * Every de-duplicated event some rule accepts, late ones included: for rules that decide on
     * one event as it arrives.
     */
    public DataStream<ActivityEvent> events() {
        return events;
    }

    /** The same events minus those behind the watermark: for rules that match in event time. */
    public DataStream<ActivityEvent> onTimeEvents() {
        return onTimeEvents;
    }

    public DetectionConfig config() {
        return config;
    }

    /**
     * NSG detachments (from the per-subnet and per-NIC attachment state), NSG deletions and
     * deletes refused because the NSG is in use, in event time, for the NSG sequence rules.
     */
    public DataStream<NsgSignal> nsgSignals() {
        if (nsgSignals == null) {
            nsgSignals = NsgAttachments.signals(onTimeEvents, config);
        }
        return nsgSignals;
    }
}
