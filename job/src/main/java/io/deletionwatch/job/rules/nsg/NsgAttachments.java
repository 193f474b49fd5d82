package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.Outcome;
import io.deletionwatch.job.events.ResourceId;
import io.deletionwatch.job.rules.Operations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * Turns subnet, VNet, NIC and NSG events into the signals the NSG sequence rules match on.
 *
 * <pre>
 * on-time events ─┬─ observations ─ keyBy(VNet or NIC) ─ attachment state ─ DETACHED ─┐
 *                 └─ NSG deleted / delete refused (in use) ─────────────────────────────┴─ signals
 * </pre>
 *
 * Subnets are tracked under their VNet's key, so that a VNet write whose success row has no body
 * can complete the subnets its Start row's body listed.
 */
public final class NsgAttachments {
    private NsgAttachments() {}

    /** Whether the NSG sequence rules can use the event. */
    public static boolean isRelevant(ActivityEvent event) {
        String op = event.operation();
        if (op.equals(Operations.SUBNET_WRITE)
                || op.equals(Operations.NIC_WRITE)
                || op.equals(Operations.VNET_WRITE)) {
            return switch (event.outcome()) {
                case SUCCESS, FAILURE -> true;
                case IN_PROGRESS -> event.requestBody() != null || event.responseBody() != null;
                default -> false;
            };
        }
        if (op.equals(Operations.NSG_DELETE)) {
            return event.succeeded() || (event.failed() && InUseErrors.isInUse(event.statusMessage()));
        }
        return op.equals(Operations.NSG_WRITE) && event.succeeded() && event.responseBody() != null;
    }

    public static DataStream<NsgSignal> signals(
            DataStream<ActivityEvent> onTimeEvents, DetectionConfig config) {
        DataStream<ActivityEvent> relevant =
                onTimeEvents.filter(NsgAttachments::isRelevant).name("Subnet, VNet, NIC and NSG events");
        DataStream<NsgSignal> detached =
                relevant.flatMap(new Observations(), TypeInformation.of(NsgObservation.class))
                        .name("What writes say about NSG attachments")
                        .keyBy(NsgObservation::trackerKey)
                        .process(
                                new AttachmentTracker(
                                        config.rules().attachmentTtl(), config.dedupTtl()),
                                TypeInformation.of(NsgSignal.class))
                        .uid("nsg-attachments")
                        .name("NSG attachments per subnet and NIC");
        DataStream<NsgSignal> direct =
                relevant.flatMap(new DeleteSignals(), TypeInformation.of(NsgSignal.class))
                        .name("NSG deletions and refused deletes");
        return detached.union(direct);
    }

    /** The key attachment state is kept under: a subnet's VNet, else the NIC itself. */
    static String trackerKey(String holderKey) {
        int subnets = holderKey.indexOf("/subnets/");
        return subnets < 0 ? holderKey : holderKey.substring(0, subnets);
    }

    /** What the event says about attachments, one observation per tracker key. */
    static List<NsgObservation> observations(ActivityEvent event) {
        String op = event.operation();
        ResourceId resource = event.resource();
        List<NsgObservation> out = new ArrayList<>();
        if (op.equals(Operations.SUBNET_WRITE) || op.equals(Operations.NIC_WRITE)) {
            out.add(
                    new NsgObservation(
                            trackerKey(resource.key()),
                            NsgObservation.Kind.WRITE,
                            event.correlationId(),
                            event.outcome(),
                            bodyShows(event, body -> NsgBodies.ofHolder(resource, body)),
                            event.withoutBodies()));
        } else if (op.equals(Operations.VNET_WRITE)) {
            out.add(
                    new NsgObservation(
                            resource.key(),
                            NsgObservation.Kind.WRITE,
                            event.correlationId(),
                            event.outcome(),
                            bodyShows(event, body -> NsgBodies.ofVnet(resource, body)),
                            event.withoutBodies()));
        } else if (op.equals(Operations.NSG_DELETE) && event.failed()) {
            List<Attachment> held = new ArrayList<>();
            for (String holder : InUseErrors.holders(event.statusMessage(), resource.key())) {
                ResourceId holderId = ResourceId.parse(holder);
                held.add(new Attachment(holderId.key(), holderId.id(), resource.id()));
            }
            facts(event, held, out);
        } else if (op.equals(Operations.NSG_WRITE) && event.succeeded()) {
            facts(event, NsgBodies.ofNsg(resource, event.responseBody()), out);
        }
        return out;
    }

    private static void facts(ActivityEvent event, List<Attachment> attachments, List<NsgObservation> out) {
        Map<String, List<Attachment>> byTracker = new LinkedHashMap<>();
        for (Attachment a : attachments) {
            byTracker.computeIfAbsent(trackerKey(a.holderKey()), k -> new ArrayList<>()).add(a);
        }
        ActivityEvent bare = event.withoutBodies();
        byTracker.forEach(
                (tracker, held) ->
                        out.add(
                                new NsgObservation(
                                        tracker,
                                        NsgObservation.Kind.ATTACHED,
                                        event.correlationId(),
                                        event.outcome(),
                                        held,
                                        bare)));
    }

    /**
     * What the bodies show: a success row's response body first (the state Azure kept), then its
     * request body; a Start row's request body.
     */
    private static List<Attachment> bodyShows(
            ActivityEvent event, java.util.function.Function<String, List<Attachment>> reader) {
        if (event.outcome() == Outcome.FAILURE) {
            return null;
        }
        List<Attachment> fromResponse = reader.apply(event.responseBody());
        return fromResponse != null ? fromResponse : reader.apply(event.requestBody());
    }

    /** NSG deletions and deletes refused because the NSG is in use, as signals. */
    static NsgSignal deleteSignal(ActivityEvent event) {
        if (!event.operation().equals(Operations.NSG_DELETE)) {
            return null;
        }
        ResourceId nsg = event.resource();
        if (event.succeeded()) {
            return new NsgSignal(
                    NsgSignal.Kind.DELETED, nsg.key(), nsg.id(), null, null, List.of(),
                    event.withoutBodies());
        }
        List<String> holders = new ArrayList<>();
        for (String holder : InUseErrors.holders(event.statusMessage(), nsg.key())) {
            holders.add(ResourceId.parse(holder).key());
        }
        return new NsgSignal(
                NsgSignal.Kind.DELETE_BLOCKED, nsg.key(), nsg.id(), null, null, holders,
                event.withoutBodies());
    }

    static final class Observations implements FlatMapFunction<ActivityEvent, NsgObservation> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(ActivityEvent event, Collector<NsgObservation> out) {
            observations(event).forEach(out::collect);
        }
    }

    static final class DeleteSignals implements FlatMapFunction<ActivityEvent, NsgSignal> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(ActivityEvent event, Collector<NsgSignal> out) {
            NsgSignal signal = deleteSignal(event);
            if (signal != null) {
                out.collect(signal);
            }
        }
    }
}
