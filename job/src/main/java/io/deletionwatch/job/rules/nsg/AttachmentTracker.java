package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.events.Outcome;
import io.deletionwatch.job.events.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by VNet (for its subnets) or NIC: remembers the NSG last seen attached to each subnet and
 * NIC, and emits {@link NsgSignal.Kind#DETACHED} when a successful write leaves one without an NSG
 * while an NSG was known to be attached. A write that names no NSG on a holder whose NSG is unknown
 * is not a detachment; one that names another NSG is a replacement, not a detachment either.
 *
 * <p>Observations are applied in event-time order: they wait in {@code pending-observations} until
 * the watermark passes them, so that writes arriving out of order (within the allowance) are
 * understood in the order they happened. A success row without a body completes the request body
 * of its operation's Start row ({@code requested}, by correlation id).
 *
 * <p>State and TTLs, per key: {@code attached} one entry per subnet/NIC with a known NSG (about
 * 420 bytes in RocksDB: the tracker key, the holder key, the NSG id and the TTL timestamp),
 * expiring {@code attachmentTtl} after the last write that showed it; {@code requested} one entry
 * per write in flight (about 400 bytes), expiring after {@code requestTtl}; {@code
 * pending-observations} events not yet passed by the watermark (about 700 bytes each), removed by
 * their timer, with a one-day TTL as a backstop. A million subnets and NICs with a known NSG take
 * about 420 MB, in RocksDB on disk.
 */
public final class AttachmentTracker extends KeyedProcessFunction<String, NsgObservation, NsgSignal> {
    private static final long serialVersionUID = 1L;
    private static final Duration BUFFER_TTL = Duration.ofDays(1);

    private final Duration attachmentTtl;
    private final Duration requestTtl;
    private transient MapState<String, String> attached;
    private transient MapState<String, List<Attachment>> requested;
    private transient MapState<Long, List<NsgObservation>> buffered;

    public AttachmentTracker(Duration attachmentTtl, Duration requestTtl) {
        this.attachmentTtl = attachmentTtl;
        this.requestTtl = requestTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, String> attachedDescriptor =
                new MapStateDescriptor<>("attached", String.class, String.class);
        attachedDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(attachmentTtl).build());
        attached = getRuntimeContext().getMapState(attachedDescriptor);

        MapStateDescriptor<String, List<Attachment>> requestedDescriptor =
                new MapStateDescriptor<>(
                        "requested", Types.STRING, Types.LIST(TypeInformation.of(Attachment.class)));
        requestedDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(requestTtl).build());
        requested = getRuntimeContext().getMapState(requestedDescriptor);

        MapStateDescriptor<Long, List<NsgObservation>> bufferedDescriptor =
                new MapStateDescriptor<>(
                        "pending-observations",
                        Types.LONG,
                        Types.LIST(TypeInformation.of(NsgObservation.class)));
        bufferedDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(BUFFER_TTL).build());
        buffered = getRuntimeContext().getMapState(bufferedDescriptor);
    }

    @Override
    public void processElement(NsgObservation observation, Context ctx, Collector<NsgSignal> out)
            throws Exception {
        long time = observation.event().time().toEpochMilli();
        List<NsgObservation> atTime = buffered.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(time);
        }
        atTime.add(observation);
        buffered.put(time, atTime);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<NsgSignal> out)
            throws Exception {
        List<NsgObservation> atTime = buffered.get(timestamp);
        if (atTime == null) {
            return;
        }
        buffered.remove(timestamp);
        List<NsgObservation> ordered = new ArrayList<>(atTime);
        ordered.sort(Comparator.comparingInt(NsgObservation::rank));
        for (NsgObservation observation : ordered) {
            apply(observation, out);
        }
    }

    private void apply(NsgObservation observation, Collector<NsgSignal> out) throws Exception {
        if (observation.kind() == NsgObservation.Kind.ATTACHED) {
            for (Attachment a : observation.attachments()) {
                attached.put(a.holderKey(), a.nsgId());
            }
            return;
        }
        String correlationId = observation.correlationId();
        if (observation.outcome() == Outcome.IN_PROGRESS) {
            if (observation.attachments() != null && correlationId != null) {
                requested.put(correlationId, new ArrayList<>(observation.attachments()));
            }
            return;
        }
        if (observation.outcome() == Outcome.FAILURE) {
            if (correlationId != null) {
                requested.remove(correlationId);
            }
            return;
        }
        List<Attachment> shown = observation.attachments();
        if (correlationId != null) {
            List<Attachment> request = requested.get(correlationId);
            requested.remove(correlationId);
            if (shown == null) {
                shown = request;
            }
        }
        if (shown == null) {
            return; // the write's effect is unknown: keep what we knew
        }
        for (Attachment a : shown) {
            String previous = attached.get(a.holderKey());
            if (a.nsgId() != null) {
                attached.put(a.holderKey(), a.nsgId());
            } else if (previous != null) {
                attached.remove(a.holderKey());
                ResourceId nsg = ResourceId.parse(previous);
                out.collect(
                        new NsgSignal(
                                NsgSignal.Kind.DETACHED,
                                nsg.key(),
                                nsg.id(),
                                a.holderKey(),
                                a.holderId(),
                                List.of(),
                                observation.event()));
            }
        }
    }
}
