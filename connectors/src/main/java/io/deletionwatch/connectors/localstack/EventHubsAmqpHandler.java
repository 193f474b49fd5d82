package io.deletionwatch.connectors.localstack;

import io.deletionwatch.connectors.localstack.EventHubsLog.EventHub;
import io.deletionwatch.connectors.localstack.EventHubsLog.Partition;
import io.deletionwatch.connectors.localstack.EventHubsLog.StoredEvent;
import io.deletionwatch.connectors.localstack.SharedAccessSignatures.Refusal;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AMQP side of {@link EventHubsEndpoint}: Proton-J reactor events in, Event Hubs behaviour out.
 * Runs on the reactor thread only; other threads hand it work through {@link #submit}.
 */
final class EventHubsAmqpHandler extends BaseHandler {
    // Names and values the SDK sends and expects; each from azure-core-amqp 2.12 / eventhubs 5.21.
    static final String CBS = "$cbs";
    static final String MANAGEMENT = "$management";
    static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");

    /** The put-token types of CbsAuthorizationType (azure-core-amqp 2.12). */
    static final String SAS = "servicebus.windows.net:sastoken";

    static final String JWT = "jwt";

    static final Symbol RUNTIME_METRIC =
            Symbol.valueOf("com.microsoft:enable-receiver-runtime-metric");
    static final Symbol SELECTOR_FILTER = Symbol.valueOf("apache.org:selector-filter:string");
    static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    static final Symbol OFFSET = Symbol.valueOf("x-opt-offset");
    static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");
    static final Symbol PARTITION_KEY = Symbol.valueOf("x-opt-partition-key");
    static final Symbol NOT_FOUND = Symbol.valueOf("amqp:not-found");
    static final Symbol UNAUTHORIZED = Symbol.valueOf("amqp:unauthorized-access");
    static final Symbol LINK_STOLEN = Symbol.valueOf("amqp:link:stolen");
    static final Symbol ARGUMENT_OUT_OF_RANGE =
            Symbol.valueOf("com.microsoft:argument-out-of-range");
    static final Symbol NOT_IMPLEMENTED = Symbol.valueOf("amqp:not-implemented");

    /** AMQP batches: an envelope, then one Data section per message, each a whole message. */
    static final int BATCH_MESSAGE_FORMAT = 0x80013700;

    /** What Event Hubs' Standard tier allows per message or batch. */
    static final long MAX_MESSAGE_SIZE = 1024 * 1024;

    private static final int RECEIVER_CREDIT = 100;

    /** {@code amqp.annotation.<name> >[=] '<value>'}, as EventHubReactorSession writes it. */
    private static final Pattern START_FILTER =
            Pattern.compile("amqp\\.annotation\\.(x-opt-[a-z-]+) >(=?) '([^']*)'");

    /** {@code <hub>/ConsumerGroups/<group>/Partitions/<id>}. */
    private static final Pattern RECEIVER_ADDRESS =
            Pattern.compile(
                    "([^/]+)/ConsumerGroups/([^/]+)/Partitions/([^/]+)", Pattern.CASE_INSENSITIVE);

    /** {@code <hub>} or {@code <hub>/Partitions/<id>}. */
    private static final Pattern SENDER_ADDRESS =
            Pattern.compile("([^/]+)(?:/Partitions/([^/]+))?", Pattern.CASE_INSENSITIVE);

    private final EventHubsLog log;
    private final SharedAccessSignatures signatures;
    private final Set<String> entraIdTokens;
    private final Clock clock;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private final Map<Connection, List<Grant>> grants = new IdentityHashMap<>();
    private final Map<Link, Destination> destinations = new IdentityHashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    private long deliveryTag;

    /** A token accepted on {@code $cbs} for a connection. */
    private record Grant(String audience, Instant expiry) {}

    /** Where a client's sender link publishes: a hub, or one of its partitions. */
    private record Destination(EventHub hub, Partition partition) {}

    /** A client's receiver link on one partition and where it has got to. */
    private static final class Consumer {
        final Sender link;
        final EventHub hub;
        final String consumerGroup;
        final Partition partition;
        final Long epoch;
        final boolean runtimeMetric;
        long next;

        Consumer(
                Sender link,
                EventHub hub,
                String group,
                Partition partition,
                Long epoch,
                boolean runtimeMetric,
                long next) {
            this.link = link;
            this.runtimeMetric = runtimeMetric;
            this.hub = hub;
            this.consumerGroup = group;
            this.partition = partition;
            this.epoch = epoch;
            this.next = next;
        }

        boolean reads(EventHub otherHub, String otherGroup, Partition otherPartition) {
            return hub == otherHub
                    && consumerGroup.equalsIgnoreCase(otherGroup)
                    && partition == otherPartition;
        }
    }

    EventHubsAmqpHandler(
            EventHubsLog log,
            SharedAccessSignatures signatures,
            Set<String> entraIdTokens,
            Clock clock) {
        this.log = log;
        this.signatures = signatures;
        this.entraIdTokens = Set.copyOf(entraIdTokens);
        this.clock = clock;
    }

    /** Queues work for the reactor thread; the caller then wakes the reactor. */
    void submit(Runnable task) {
        tasks.add(task);
    }

    @Override
    public void onReactorQuiesced(Event event) {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Closes every client connection; the reactor ends once they are gone. */
    void closeAll() {
        for (Connection connection : new ArrayList<>(connections)) {
            if (connection.getLocalState() != EndpointState.CLOSED) {
                connection.close();
            }
        }
    }

    // ---- connections and sessions ----

    @Override
    public void onConnectionRemoteOpen(Event event) {
        Connection connection = event.getConnection();
        connection.setContainer("deletion-watch-eventhubs-endpoint");
        connection.open();
        connections.add(connection);
        grants.put(connection, new ArrayList<>());
    }

    @Override
    public void onConnectionRemoteClose(Event event) {
        Connection connection = event.getConnection();
        if (connection.getLocalState() != EndpointState.CLOSED) {
            connection.close();
        }
        forget(connection);
    }

    @Override
    public void onTransportClosed(Event event) {
        Connection connection = event.getConnection();
        if (connection != null) {
            forget(connection);
        }
    }

    private void forget(Connection connection) {
        connections.remove(connection);
        grants.remove(connection);
        consumers.removeIf(c -> c.link.getSession().getConnection() == connection);
        destinations.keySet().removeIf(l -> l.getSession().getConnection() == connection);
    }

    @Override
    public void onSessionRemoteOpen(Event event) {
        Session session = event.getSession();
        session.setIncomingCapacity(16 * 1024 * 1024);
        session.open();
    }

    @Override
    public void onSessionRemoteClose(Event event) {
        Session session = event.getSession();
        if (session.getLocalState() != EndpointState.CLOSED) {
            session.close();
        }
    }

    // ---- links ----

    @Override
    public void onLinkRemoteOpen(Event event) {
        Link link = event.getLink();
        if (link instanceof Sender sender) {
            openSender(sender);
        } else {
            openReceiver((Receiver) link);
        }
    }

    @Override
    public void onLinkRemoteClose(Event event) {
        closeLink(event.getLink());
    }

    @Override
    public void onLinkRemoteDetach(Event event) {
        closeLink(event.getLink());
    }

    private void closeLink(Link link) {
        consumers.removeIf(c -> c.link == link);
        destinations.remove(link);
        if (link.getLocalState() != EndpointState.CLOSED) {
            link.close();
        }
    }

    /** A client's receiver: the reply link of $cbs/$management or a partition consumer. */
    private void openSender(Sender link) {
        Source source = (Source) link.getRemoteSource();
        String address = source == null ? null : source.getAddress();
        if (CBS.equals(address) || MANAGEMENT.equals(address)) {
            accept(link);
            return;
        }
        Matcher m = address == null ? null : RECEIVER_ADDRESS.matcher(address);
        if (m == null || !m.matches()) {
            refuse(link, NOT_FOUND, "The messaging entity '" + address + "' could not be found.");
            return;
        }
        EventHub hub = log.hub(m.group(1));
        if (hub == null) {
            refuse(link, NOT_FOUND, notFound(link, m.group(1)));
            return;
        }
        String group = m.group(2);
        if (!hub.consumerGroups.contains(group)) {
            // ExceptionUtil.distinguishNotFound (azure-core-amqp): only a description matching
            // "The messaging entity .* could not be found" makes the SDK give up instead of
            // retrying.
            refuse(link, NOT_FOUND, notFound(link, hub.name + "/consumergroups/" + group));
            return;
        }
        Partition partition = hub.partition(m.group(3));
        if (partition == null) {
            refuse(
                    link,
                    ARGUMENT_OUT_OF_RANGE,
                    "The specified partition is invalid for an EventHub partition sender or"
                            + " receiver. It should be between 0 and "
                            + (hub.partitions.size() - 1)
                            + ".");
            return;
        }
        if (!authorized(link, address)) {
            return;
        }
        Long epoch = epochOf(link);
        String stolen = takeOver(hub, group, partition, epoch);
        if (stolen != null) {
            refuse(link, LINK_STOLEN, stolen);
            return;
        }
        long next;
        try {
            next = startOf(source, partition);
        } catch (IllegalArgumentException e) {
            refuse(link, Symbol.valueOf("com.microsoft:argument-error"), e.getMessage());
            return;
        }
        boolean runtimeMetric = desires(link, RUNTIME_METRIC);
        if (runtimeMetric) {
            link.setOfferedCapabilities(new Symbol[] {RUNTIME_METRIC});
        }
        accept(link);
        Consumer consumer = new Consumer(link, hub, group, partition, epoch, runtimeMetric, next);
        consumers.add(consumer);
        pump(consumer);
    }

    /**
     * Applies Event Hubs' epoch rules for a new receiver: one with an epoch at least as high as
     * every existing one disconnects them all (with {@code amqp:link:stolen}); one with a lower
     * epoch, or without an epoch while an epoch receiver exists, is refused.
     *
     * @return why the new receiver is refused, or null
     */
    private String takeOver(EventHub hub, String group, Partition partition, Long epoch) {
        List<Consumer> same = new ArrayList<>();
        for (Consumer c : consumers) {
            if (c.reads(hub, group, partition)) {
                same.add(c);
            }
        }
        long highest = Long.MIN_VALUE;
        boolean anyEpoch = false;
        for (Consumer c : same) {
            if (c.epoch != null) {
                anyEpoch = true;
                highest = Math.max(highest, c.epoch);
            }
        }
        if (epoch == null) {
            return anyEpoch
                    ? "At least one receiver for the endpoint is created with epoch of '"
                            + highest
                            + "', and so non-epoch receiver is not allowed. Either reconnect with"
                            + " a higher epoch, or make sure all epoch receivers are closed or"
                            + " disconnected."
                    : null;
        }
        if (anyEpoch && highest > epoch) {
            return "A receiver with a higher epoch '"
                    + highest
                    + "' already exists. Receiver with epoch '"
                    + epoch
                    + "' cannot be created. Make sure you are creating receiver with increasing"
                    + " epoch value to ensure connectivity, or ensure all old epoch receivers are"
                    + " closed or disconnected.";
        }
        for (Consumer c : same) {
            consumers.remove(c);
            c.link.setCondition(
                    new ErrorCondition(
                            LINK_STOLEN,
                            "New receiver with higher epoch of '"
                                    + epoch
                                    + "' is created hence current receiver with epoch '"
                                    + (c.epoch == null ? "" : c.epoch)
                                    + "' is getting disconnected. If you are recreating the"
                                    + " receiver, make sure a higher epoch is used."));
            c.link.close();
        }
        return null;
    }

    private static boolean desires(Link link, Symbol capability) {
        Symbol[] desired = link.getRemoteDesiredCapabilities();
        if (desired != null) {
            for (Symbol d : desired) {
                if (capability.equals(d)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Long epochOf(Link link) {
        Map<Symbol, Object> properties = link.getRemoteProperties();
        Object epoch = properties == null ? null : properties.get(EPOCH);
        return epoch instanceof Number n ? n.longValue() : null;
    }

    /** The first sequence number a receiver gets, from its start filter. */
    private long startOf(Source source, Partition partition) {
        Map<Symbol, Object> filters = source.getFilter();
        Object filter = filters == null ? null : filters.get(SELECTOR_FILTER);
        if (filter instanceof DescribedType described) {
            filter = described.getDescribed();
        }
        if (filter == null) {
            return partition.beginSequenceNumber;
        }
        Matcher m = START_FILTER.matcher(filter.toString().strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("The filter is not supported: " + filter);
        }
        boolean inclusive = !m.group(2).isEmpty();
        String value = m.group(3);
        long next;
        switch (m.group(1)) {
            case "x-opt-offset" -> {
                if (value.equals("@latest")) {
                    next = partition.nextSequenceNumber();
                } else {
                    long offset = Long.parseLong(value);
                    next =
                            firstMatching(
                                    partition,
                                    e -> inclusive ? e.offset() >= offset : e.offset() > offset);
                }
            }
            case "x-opt-sequence-number" -> {
                // EventHubReactorSession.getExpression (5.21.5) writes the plain number, and an
                // offset before a sequence number; geo-replication-aware SDKs may write
                // '<segment>:<number>', accepted too.
                long sequence = Long.parseLong(value.substring(value.indexOf(':') + 1));
                next = inclusive ? sequence : sequence + 1;
            }
            case "x-opt-enqueued-time" -> {
                long millis = Long.parseLong(value);
                next =
                        firstMatching(
                                partition,
                                e ->
                                        inclusive
                                                ? e.enqueuedTime().toEpochMilli() >= millis
                                                : e.enqueuedTime().toEpochMilli() > millis);
            }
            default -> throw new IllegalArgumentException("The filter is not supported: " + filter);
        }
        // Positions before the retained events start at the first retained one.
        return Math.max(next, partition.beginSequenceNumber);
    }

    private static long firstMatching(
            Partition partition, java.util.function.Predicate<StoredEvent> matches) {
        for (StoredEvent e : partition.events) {
            if (matches.test(e)) {
                return e.sequenceNumber();
            }
        }
        return partition.nextSequenceNumber();
    }

    /** A client's sender: requests to $cbs/$management, or events to a hub or partition. */
    private void openReceiver(Receiver link) {
        Target target = (Target) link.getRemoteTarget();
        String address = target == null ? null : target.getAddress();
        if (CBS.equals(address) || MANAGEMENT.equals(address)) {
            accept(link);
            link.flow(RECEIVER_CREDIT);
            return;
        }
        Matcher m = address == null ? null : SENDER_ADDRESS.matcher(address);
        if (m == null || !m.matches()) {
            refuse(link, NOT_FOUND, "The messaging entity '" + address + "' could not be found.");
            return;
        }
        EventHub hub = log.hub(m.group(1));
        if (hub == null) {
            refuse(link, NOT_FOUND, notFound(link, m.group(1)));
            return;
        }
        Partition partition = null;
        if (m.group(2) != null) {
            partition = hub.partition(m.group(2));
            if (partition == null) {
                refuse(
                        link,
                        ARGUMENT_OUT_OF_RANGE,
                        "The specified partition is invalid for an EventHub partition sender or"
                                + " receiver. It should be between 0 and "
                                + (hub.partitions.size() - 1)
                                + ".");
                return;
            }
        }
        if (!authorized(link, address)) {
            return;
        }
        // The SDK sizes its batches from the max-message-size of this attach (ReactorSender).
        link.setMaxMessageSize(UnsignedLong.valueOf(MAX_MESSAGE_SIZE));
        accept(link);
        destinations.put(link, new Destination(hub, partition));
        link.flow(RECEIVER_CREDIT);
    }

    /** Whether a token covering this entity was put on $cbs; refuses the link if not. */
    private boolean authorized(Link link, String address) {
        Connection connection = link.getSession().getConnection();
        String audience = "amqp://" + connection.getRemoteHostname() + "/" + address;
        Instant now = clock.instant();
        for (Grant grant : grants.getOrDefault(connection, List.of())) {
            if (grant.expiry.isAfter(now)
                    && SharedAccessSignatures.covers(grant.audience, audience)) {
                return true;
            }
        }
        refuse(
                link,
                UNAUTHORIZED,
                "Unauthorized access. No valid token was put on $cbs for '" + address + "'.");
        return false;
    }

    private static String notFound(Link link, String entity) {
        return "The messaging entity 'sb://"
                + link.getSession().getConnection().getRemoteHostname()
                + "/"
                + entity
                + "' could not be found. To know more visit"
                + " https://aka.ms/sbResourceMgrExceptions.";
    }

    private static void accept(Link link) {
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setSenderSettleMode(link.getRemoteSenderSettleMode());
        link.setReceiverSettleMode(link.getRemoteReceiverSettleMode());
        link.open();
    }

    /**
     * Refuses a link as Event Hubs does: an attach without source (receivers) or target (senders),
     * then a detach with the error; the SDK waits for the error when the terminus is missing.
     */
    private static void refuse(Link link, Symbol condition, String description) {
        if (link instanceof Sender) {
            link.setSource(null);
            link.setTarget(link.getRemoteTarget());
        } else {
            link.setSource(link.getRemoteSource());
            link.setTarget(null);
        }
        link.open();
        link.setCondition(new ErrorCondition(condition, description));
        link.close();
    }

    // ---- deliveries ----

    @Override
    public void onLinkFlow(Event event) {
        if (event.getLink() instanceof Sender sender) {
            for (Consumer c : consumers) {
                if (c.link == sender) {
                    pump(c);
                }
            }
        }
    }

    @Override
    public void onDelivery(Event event) {
        Delivery delivery = event.getDelivery();
        Link link = delivery.getLink();
        if (link instanceof Sender) {
            // The client's disposition of an event we sent (receiver settle mode second).
            if (delivery.remotelySettled() || delivery.getRemoteState() != null) {
                delivery.settle();
            }
            return;
        }
        if (!delivery.isReadable() || delivery.isPartial()) {
            return;
        }
        Receiver receiver = (Receiver) link;
        byte[] bytes = new byte[delivery.pending()];
        int read = receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        try {
            handle(receiver, delivery, bytes, read);
        } catch (RuntimeException e) {
            // A message this endpoint cannot decode is rejected; the reactor goes on.
            Rejected rejected = new Rejected();
            rejected.setError(
                    new ErrorCondition(
                            Symbol.valueOf("amqp:decode-error"),
                            "The message could not be decoded: " + e));
            delivery.disposition(rejected);
        }
        delivery.settle();
        receiver.flow(1);
    }

    private void handle(Receiver receiver, Delivery delivery, byte[] bytes, int read) {
        String address = ((Target) receiver.getRemoteTarget()).getAddress();
        if (CBS.equals(address)) {
            reply(receiver, cbs(receiver, decode(bytes, read)));
            delivery.disposition(Accepted.getInstance());
        } else if (MANAGEMENT.equals(address)) {
            reply(receiver, management(receiver, decode(bytes, read)));
            delivery.disposition(Accepted.getInstance());
        } else {
            Destination destination = destinations.get(receiver);
            if (destination == null) {
                delivery.disposition(new Rejected());
            } else {
                List<Message> messages =
                        delivery.getMessageFormat() == BATCH_MESSAGE_FORMAT
                                ? unbatch(bytes, read)
                                : List.of(decode(bytes, read));
                Partition partition = destination.partition;
                if (partition == null) {
                    partition = choosePartition(destination.hub, messages.get(0));
                }
                for (Message message : messages) {
                    append(partition, message);
                }
                pumpAll();
                delivery.disposition(Accepted.getInstance());
            }
        }
    }

    /** By partition key as a stable hash, else round robin (Event Hubs' own hash differs). */
    private static Partition choosePartition(EventHub hub, Message first) {
        MessageAnnotations annotations = first.getMessageAnnotations();
        Object key =
                annotations == null || annotations.getValue() == null
                        ? null
                        : annotations.getValue().get(PARTITION_KEY);
        int index =
                key != null
                        ? Math.floorMod(key.toString().hashCode(), hub.partitions.size())
                        : Math.floorMod(hub.nextRoundRobin++, hub.partitions.size());
        return hub.partitions.get(index);
    }

    /** Stores a message with the annotations Event Hubs adds and returns the stored event. */
    StoredEvent append(Partition partition, Message message) {
        long sequence = partition.nextSequenceNumber();
        long offset = partition.nextOffset;
        // AMQP timestamps have millisecond precision.
        Instant enqueued = Instant.ofEpochMilli(clock.millis());
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        MessageAnnotations given = message.getMessageAnnotations();
        if (given != null && given.getValue() != null) {
            annotations.putAll(given.getValue());
        }
        // Types as EventHubMessageSerializer (eventhubs 5.21) casts them: Long, String, Date.
        annotations.put(SEQUENCE_NUMBER, sequence);
        annotations.put(OFFSET, Long.toString(offset));
        annotations.put(ENQUEUED_TIME, Date.from(enqueued));
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        byte[] body = bodyOf(message);
        byte[] encoded = encode(message);
        StoredEvent stored = new StoredEvent(sequence, offset, enqueued, body, encoded);
        partition.events.add(stored);
        partition.nextOffset += Math.max(1, body.length);
        return stored;
    }

    private static byte[] bodyOf(Message message) {
        if (message.getBody() instanceof Data data) {
            return copy(data.getValue());
        }
        if (message.getBody() instanceof AmqpValue value && value.getValue() instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    private static byte[] copy(Binary binary) {
        byte[] out = new byte[binary.getLength()];
        System.arraycopy(binary.getArray(), binary.getArrayOffset(), out, 0, out.length);
        return out;
    }

    /** The highest sequence number sent to a receiver, per hub, consumer group and partition. */
    private final Map<String, Long> delivered = new HashMap<>();

    private static String deliveredKey(EventHub hub, String group, Partition partition) {
        return hub.name + "|" + group.toLowerCase(java.util.Locale.ROOT) + "|" + partition.id;
    }

    /** Whether every event of the partition has been sent to a receiver of the consumer group. */
    boolean deliveredAll(EventHub hub, String group, Partition partition) {
        Long last = delivered.get(deliveredKey(hub, group, partition));
        return partition.isEmpty() || (last != null && last >= partition.nextSequenceNumber() - 1);
    }

    /** The receivers reading a partition of a hub now, over all consumer groups. */
    int receiversOf(EventHub hub, Partition partition) {
        int count = 0;
        for (Consumer c : consumers) {
            if (c.hub == hub && c.partition == partition) {
                count++;
            }
        }
        return count;
    }

    void pumpAll() {
        for (Consumer c : new ArrayList<>(consumers)) {
            pump(c);
        }
    }

    /** Sends a consumer what it has credit for. */
    private void pump(Consumer c) {
        Sender link = c.link;
        while (link.getLocalState() == EndpointState.ACTIVE && link.getCredit() > 0) {
            if (c.next < c.partition.beginSequenceNumber) {
                c.next = c.partition.beginSequenceNumber;
            }
            StoredEvent event = c.partition.get(c.next);
            if (event == null) {
                return;
            }
            byte[] bytes =
                    c.runtimeMetric ? withRuntimeInfo(event, c.partition) : event.encodedMessage();
            link.delivery(nextTag());
            link.send(bytes, 0, bytes.length);
            link.advance();
            delivered.merge(deliveredKey(c.hub, c.consumerGroup, c.partition), c.next, Math::max);
            c.next++;
        }
    }

    /**
     * The event with the partition's last enqueued event in its delivery annotations, for receivers
     * that asked for the runtime metric (EventHubMessageSerializer in eventhubs 5.21 reads these
     * four keys from the delivery annotations: Long, String, Date, Date).
     */
    private byte[] withRuntimeInfo(StoredEvent event, Partition partition) {
        Message message = decode(event.encodedMessage(), event.encodedMessage().length);
        StoredEvent last = partition.last();
        Map<Symbol, Object> info = new LinkedHashMap<>();
        info.put(Symbol.valueOf("last_enqueued_sequence_number"), last.sequenceNumber());
        info.put(Symbol.valueOf("last_enqueued_offset"), Long.toString(last.offset()));
        info.put(Symbol.valueOf("last_enqueued_time_utc"), Date.from(last.enqueuedTime()));
        info.put(Symbol.valueOf("runtime_info_retrieval_time_utc"), Date.from(clock.instant()));
        message.setDeliveryAnnotations(new DeliveryAnnotations(info));
        return encode(message);
    }

    private byte[] nextTag() {
        return Long.toString(deliveryTag++).getBytes(StandardCharsets.US_ASCII);
    }

    // ---- $cbs and $management ----

    private Message cbs(Receiver link, Message request) {
        Map<String, Object> properties = applicationProperties(request);
        if (!"put-token".equals(properties.get("operation"))) {
            return response(request, 400, "Only put-token is supported.", null);
        }
        String audience = String.valueOf(properties.get("name"));
        String type = String.valueOf(properties.get("type"));
        Object token = request.getBody() instanceof AmqpValue v ? v.getValue() : null;
        Instant now = clock.instant();
        Refusal refusal;
        if (JWT.equals(type)) {
            refusal = checkEntraIdToken(token);
        } else if (SAS.equals(type)) {
            refusal =
                    signatures
                            .check(token instanceof String s ? s : null, audience, now)
                            .orElse(null);
        } else {
            refusal = new Refusal("InvalidToken: unknown token type " + type + ".");
        }
        if (refusal != null) {
            return response(request, 401, refusal.description(), null);
        }
        String path = pathOf(audience);
        if (path != null && !path.isEmpty() && log.hubOfPath(path) == null) {
            int slash = path.indexOf('/');
            return response(
                    request,
                    404,
                    notFound(link, slash < 0 ? path : path.substring(0, slash)),
                    null);
        }
        Object expiration = properties.get("expiration");
        Instant expiry = expiration instanceof Date d ? d.toInstant() : now.plusSeconds(3600);
        grants.computeIfAbsent(link.getSession().getConnection(), c -> new ArrayList<>())
                .add(new Grant(audience, expiry));
        return response(request, 202, "Accepted", null);
    }

    /**
     * An Entra ID token is good when it is one of those the endpoint was given; the service would
     * check its signature, issuer, audience ({@code https://eventhubs.azure.net/}) and roles.
     */
    private Refusal checkEntraIdToken(Object token) {
        return token instanceof String s && entraIdTokens.contains(s)
                ? null
                : new Refusal(
                        "InvalidToken: The JSON web token is not accepted by this namespace.");
    }

    /** The entity path of {@code amqp://host/path}, or null. */
    private static String pathOf(String audience) {
        int scheme = audience.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int slash = audience.indexOf('/', scheme + 3);
        return slash < 0 ? "" : audience.substring(slash + 1);
    }

    private Message management(Receiver link, Message request) {
        Map<String, Object> properties = applicationProperties(request);
        if (!"READ".equals(properties.get("operation"))) {
            return response(request, 400, "Only READ is supported.", null);
        }
        String name = String.valueOf(properties.get("name"));
        Connection connection = link.getSession().getConnection();
        String audience = "amqp://" + connection.getRemoteHostname() + "/" + name;
        Object token = properties.get("security_token");
        // The request does not say the token's type: a SAS names itself.
        Refusal refusal =
                token instanceof String s && !s.startsWith(SharedAccessSignatures.PREFIX)
                        ? checkEntraIdToken(s)
                        : signatures
                                .check(
                                        token instanceof String s ? s : null,
                                        audience,
                                        clock.instant())
                                .orElse(null);
        if (refusal != null) {
            return response(request, 401, refusal.description(), null);
        }
        EventHub hub = log.hub(name);
        if (hub == null) {
            return response(request, 404, notFound(link, name), null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String type = String.valueOf(properties.get("type"));
        if ("com.microsoft:eventhub".equals(type)) {
            body.put("name", hub.name);
            body.put("created_at", Date.from(hub.createdAt));
            // An AMQP array: EventHubMessageSerializer casts it to String[].
            body.put("partition_ids", hub.partitionIds());
        } else if ("com.microsoft:partition".equals(type)) {
            Partition partition = hub.partition(String.valueOf(properties.get("partition")));
            if (partition == null) {
                return response(
                        request,
                        404,
                        "The specified partition is invalid for an EventHub partition sender or"
                                + " receiver. It should be between 0 and "
                                + (hub.partitions.size() - 1)
                                + ".",
                        null);
            }
            body.put("name", hub.name);
            body.put("partition", partition.id);
            boolean empty = partition.isEmpty();
            // A partition that never had an event reports -1, as Event Hubs does.
            body.put(
                    "begin_sequence_number",
                    empty && partition.beginSequenceNumber == 0
                            ? -1L
                            : partition.beginSequenceNumber);
            body.put("last_enqueued_sequence_number", partition.nextSequenceNumber() - 1);
            body.put(
                    "last_enqueued_offset",
                    empty ? "-1" : Long.toString(partition.last().offset()));
            body.put(
                    "last_enqueued_time_utc",
                    Date.from(empty ? Instant.EPOCH : partition.last().enqueuedTime()));
            body.put("is_partition_empty", empty);
        } else {
            return response(request, 400, "Unknown entity type " + type + ".", null);
        }
        return response(request, 200, "OK", body);
    }

    private static Map<String, Object> applicationProperties(Message message) {
        ApplicationProperties properties = message.getApplicationProperties();
        return properties == null || properties.getValue() == null
                ? Map.of()
                : properties.getValue();
    }

    private static Message response(Message request, int status, String description, Object body) {
        Message response = Proton.message();
        response.setCorrelationId(request.getMessageId());
        Map<String, Object> properties = new HashMap<>();
        // An AMQP int: RequestResponseUtils casts the value to int.
        properties.put("statusCode", status);
        properties.put("statusDescription", description);
        response.setApplicationProperties(new ApplicationProperties(properties));
        if (body != null) {
            response.setBody(new AmqpValue(body));
        }
        response.setAddress(request.getReplyTo());
        return response;
    }

    /** Sends a response on the client's reply link (target = the request's reply-to). */
    private void reply(Receiver requestLink, Message response) {
        String replyTo = response.getAddress();
        Sender replyLink = replyLink(requestLink.getSession(), replyTo);
        if (replyLink == null) {
            replyLink = replyLink(null, replyTo, requestLink.getSession().getConnection());
        }
        if (replyLink == null) {
            return;
        }
        byte[] bytes = encode(response);
        replyLink.delivery(nextTag());
        replyLink.send(bytes, 0, bytes.length);
        replyLink.advance();
    }

    private static Sender replyLink(Session session, String replyTo) {
        return replyLink(session, replyTo, session.getConnection());
    }

    private static Sender replyLink(Session session, String replyTo, Connection connection) {
        for (Link link = connection.linkHead(null, null);
                link != null;
                link = link.next(null, null)) {
            if (link instanceof Sender sender
                    && (session == null || link.getSession() == session)
                    && link.getLocalState() == EndpointState.ACTIVE
                    && link.getRemoteTarget() != null
                    && Objects.equals(((Target) link.getRemoteTarget()).getAddress(), replyTo)) {
                return sender;
            }
        }
        return null;
    }

    // ---- codec ----

    static Message decode(byte[] bytes, int length) {
        Message message = Proton.message();
        message.decode(bytes, 0, length);
        return message;
    }

    /** The messages of a batch: every Data section after the envelope is one encoded message. */
    static List<Message> unbatch(byte[] bytes, int length) {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        List<Message> messages = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        decoder.setByteBuffer(buffer);
        while (buffer.hasRemaining()) {
            Object section = decoder.readObject();
            if (section instanceof Data data) {
                Binary binary = data.getValue();
                Message message = Proton.message();
                message.decode(binary.getArray(), binary.getArrayOffset(), binary.getLength());
                messages.add(message);
            }
        }
        return messages;
    }

    static byte[] encode(Message message) {
        int size = 1024;
        if (message.getBody() instanceof Data data) {
            size += data.getValue().getLength();
        }
        while (true) {
            byte[] buffer = new byte[size];
            try {
                int length = message.encode(buffer, 0, buffer.length);
                byte[] out = new byte[length];
                System.arraycopy(buffer, 0, out, 0, length);
                return out;
            } catch (BufferOverflowException e) {
                size *= 2;
            }
        }
    }
}
