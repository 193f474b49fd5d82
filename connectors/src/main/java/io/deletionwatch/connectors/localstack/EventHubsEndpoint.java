package io.deletionwatch.connectors.localstack;

import io.deletionwatch.connectors.localstack.EventHubsLog.EventHub;
import io.deletionwatch.connectors.localstack.EventHubsLog.Partition;
import io.deletionwatch.connectors.localstack.EventHubsLog.StoredEvent;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.apache.qpid.proton.reactor.Acceptor;
import org.apache.qpid.proton.reactor.Reactor;
import org.apache.qpid.proton.reactor.impl.AcceptorImpl;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A wire-level Event Hubs endpoint for tests and the local demo: an AMQP 1.0 server on Qpid
 * Proton-J (the AMQP library of the Event Hubs SDK itself) that the real {@code
 * azure-messaging-eventhubs} clients talk to over a real socket on 127.0.0.1. It is a test fixture,
 * not an emulator of the service.
 *
 * <p>Clients connect with {@link #connectionString()}, which carries {@code
 * UseDevelopmentEmulator=true} and the port: with it, SDK 5.19.2+ connects over plain TCP to the
 * endpoint's host and port ({@code EventHubClientBuilder#buildConnectionOptions} in 5.21.5 reads
 * {@code ConnectionStringProperties#useDevelopmentEmulator()}, turns TLS off and keeps the port of
 * {@code Endpoint=sb://host:port}).
 *
 * <p>What it implements, as the SDK 5.21 (azure-core-amqp 2.12) uses it:
 *
 * <ul>
 *   <li>SASL ANONYMOUS, the only mechanism the Java SDK offers (authorisation happens on {@code
 *       $cbs}).
 *   <li>{@code $cbs} put-token with shared access signatures: a token signed with the namespace's
 *       key for the entity (or a parent) is answered 202; a wrong signature, key name, expiry or
 *       scope is answered 401, a token for an unknown event hub 404 ("The messaging entity ...
 *       could not be found", which the SDK treats as final). Links to entities without such a token
 *       are refused with {@code amqp:unauthorized-access}. Entra ID (JWT) tokens are accepted when
 *       they are one of those given to {@link Builder#entraIdToken}.
 *   <li>{@code $management} READ of event hub properties (name, created_at, partition_ids) and
 *       partition properties (begin and last enqueued sequence number, offset, time, emptiness),
 *       checking the request's security_token.
 *   <li>Receivers on {@code <hub>/ConsumerGroups/<group>/Partitions/<id>} with the start filters
 *       the SDK writes (offset, {@code @latest}, sequence number, enqueued time, inclusive or not),
 *       respecting link credit; events carry {@code x-opt-sequence-number} (long), {@code
 *       x-opt-offset} (string) and {@code x-opt-enqueued-time} (timestamp). Unknown consumer groups
 *       and hubs are refused with {@code amqp:not-found}, unknown partitions with {@code
 *       com.microsoft:argument-out-of-range}.
 *   <li>Epoch (owner level) receivers, {@code com.microsoft:epoch}: a receiver with an epoch at
 *       least as high as the existing ones disconnects them with {@code amqp:link:stolen}; a lower
 *       epoch, or no epoch while an epoch receiver exists, is refused with the same condition.
 *   <li>Senders on {@code <hub>} (partition by partition key, else round robin) or {@code
 *       <hub>/Partitions/<id>}, single messages and batches (message format {@code 0x80013700}),
 *       with a 1 MB max-message-size on the attach, from which the SDK sizes its batches.
 *   <li>The receiver runtime metric ({@code com.microsoft:enable-receiver-runtime-metric}): the
 *       partition's last enqueued event in the annotations of each delivery.
 *   <li>Consumer groups per hub ({@code $Default} always), more partitions at run time ({@link
 *       #addPartitions}) and retention ({@link #expireBefore}): a start position before the first
 *       retained event starts at the first retained event.
 * </ul>
 *
 * <p>What real Event Hubs does that this does not: TLS and AMQP over WebSockets, checking Entra ID
 * tokens (signature, issuer, audience, roles), throttling (server-busy errors, throughput units),
 * quotas and limits other than the message size, time-based retention, capture, geo-replication
 * (offsets here are plain numbers as strings, segments are ignored), idempotent publishing, its
 * partition-key hash, persistence (events live in memory and end with {@link #close()}) and the
 * exact wording of every error beyond the conditions above.
 *
 * <p>It binds 127.0.0.1 on an ephemeral port, runs one Proton reactor thread, and never logs a key
 * or a token.
 */
public final class EventHubsEndpoint implements AutoCloseable {
    /** The host clients connect to; also the namespace name in audiences and errors. */
    public static final String HOST = "127.0.0.1";

    public static final String DEFAULT_KEY_NAME = "RootManageSharedAccessKey";

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Reactor reactor;
    private final Acceptor acceptor;
    private final EventHubsAmqpHandler handler;
    private final EventHubsLog log;
    private final Clock clock;
    private final Thread thread;
    private final int port;
    private final String keyName;
    private final String key;
    private final SharedAccessSignatures signatures;
    private volatile RuntimeException failure;

    /** An event as stored, for assertions. */
    public record StoredEventView(
            long sequenceNumber, String offset, Instant enqueuedTime, byte[] body) {}

    /** Partition properties as {@code $management} reports them. */
    public record PartitionState(
            long beginSequenceNumber, long lastEnqueuedSequenceNumber, boolean empty) {}

    private EventHubsEndpoint(Builder builder) throws IOException {
        this.keyName = builder.keyName;
        this.key = builder.key != null ? builder.key : randomKey();
        this.clock = builder.clock;
        this.log = new EventHubsLog();
        Instant now = clock.instant();
        for (Map.Entry<String, Integer> hub : builder.hubs.entrySet()) {
            EventHub created = log.create(hub.getKey(), now, hub.getValue());
            created.consumerGroups.addAll(
                    builder.consumerGroups.getOrDefault(hub.getKey(), Set.of()));
        }
        this.signatures = new SharedAccessSignatures(keyName, key);
        this.handler = new EventHubsAmqpHandler(log, signatures, builder.entraIdTokens, clock);
        this.reactor = Proton.reactor(handler);
        this.acceptor = reactor.acceptor(HOST, 0);
        this.port = ((AcceptorImpl) acceptor).getPortNumber();
        this.thread = new Thread(this::run, "eventhubs-endpoint-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            reactor.run();
        } catch (RuntimeException e) {
            // Kept for call(), which says so instead of timing out.
            failure = e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of an {@link EventHubsEndpoint}; {@link #start()} starts it. */
    public static final class Builder {
        private final Map<String, Integer> hubs = new LinkedHashMap<>();
        private final Map<String, Set<String>> consumerGroups = new LinkedHashMap<>();
        private String keyName = DEFAULT_KEY_NAME;
        private String key;
        private Clock clock = Clock.systemUTC();
        private final Set<String> entraIdTokens = new HashSet<>();

        private Builder() {}

        /** An event hub with partitions {@code 0..partitions-1} and consumer group $Default. */
        public Builder eventHub(String name, int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("an event hub has at least one partition");
            }
            hubs.put(name, partitions);
            return this;
        }

        /** Another consumer group of an event hub given with {@link #eventHub}. */
        public Builder consumerGroup(String hub, String group) {
            consumerGroups
                    .computeIfAbsent(hub, h -> new TreeSet<>(String.CASE_INSENSITIVE_ORDER))
                    .add(group);
            return this;
        }

        /** The namespace's shared access policy; default {@value #DEFAULT_KEY_NAME}, random key. */
        public Builder sharedAccessKey(String keyName, String key) {
            this.keyName = keyName;
            this.key = key;
            return this;
        }

        /**
         * Accepts this text as an Entra ID (JWT) token on {@code $cbs} and {@code $management}, as
         * a {@code TokenCredential} hands it to the SDK. The endpoint compares the text only.
         */
        public Builder entraIdToken(String token) {
            entraIdTokens.add(token);
            return this;
        }

        /** Where enqueued times and token expiry come from; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public EventHubsEndpoint start() throws IOException {
            return new EventHubsEndpoint(this);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public int port() {
        return port;
    }

    /**
     * The namespace-level connection string, with the namespace's key: {@code
     * Endpoint=sb://127.0.0.1:<port>;SharedAccessKeyName=..;SharedAccessKey=..;
     * UseDevelopmentEmulator=true}. It holds the secret: never log it.
     */
    public String connectionString() {
        return connectionString(key);
    }

    /** As {@link #connectionString()} with another key, e.g. to see it refused. */
    public String connectionString(String sharedAccessKey) {
        return "Endpoint=sb://"
                + HOST
                + ":"
                + port
                + ";SharedAccessKeyName="
                + keyName
                + ";SharedAccessKey="
                + sharedAccessKey
                + ";UseDevelopmentEmulator=true";
    }

    /** The namespace as the SDK names it, for audiences: {@code 127.0.0.1}. */
    public String fullyQualifiedNamespace() {
        return HOST;
    }

    /**
     * Appends events to a partition as a publisher would, with the enqueued time from the clock.
     *
     * @return their sequence numbers
     */
    public List<Long> publish(String hub, String partitionId, List<byte[]> bodies) {
        return call(
                () -> {
                    Partition partition = partition(hub, partitionId);
                    List<Long> sequences = new ArrayList<>();
                    for (byte[] body : bodies) {
                        Message message = Proton.message();
                        message.setBody(new Data(new Binary(body.clone())));
                        sequences.add(handler.append(partition, message).sequenceNumber());
                    }
                    handler.pumpAll();
                    return sequences;
                });
    }

    /**
     * Appends an event whose body is an AMQP value instead of binary data, as publishers other than
     * the Event Hubs SDKs may send (the SDK hands such a body on as empty).
     *
     * @return its sequence number
     */
    public long publishAmqpValue(String hub, String partitionId, Object value) {
        return call(
                () -> {
                    Message message = Proton.message();
                    message.setBody(new AmqpValue(value));
                    long sequence =
                            handler.append(partition(hub, partitionId), message).sequenceNumber();
                    handler.pumpAll();
                    return sequence;
                });
    }

    /** The retained events of a partition, oldest first. */
    public List<StoredEventView> events(String hub, String partitionId) {
        return call(
                () -> {
                    List<StoredEventView> views = new ArrayList<>();
                    for (StoredEvent e : partition(hub, partitionId).events) {
                        views.add(
                                new StoredEventView(
                                        e.sequenceNumber(),
                                        Long.toString(e.offset()),
                                        e.enqueuedTime(),
                                        e.body().clone()));
                    }
                    return views;
                });
    }

    public PartitionState partitionState(String hub, String partitionId) {
        return call(
                () -> {
                    Partition p = partition(hub, partitionId);
                    return new PartitionState(
                            p.beginSequenceNumber, p.nextSequenceNumber() - 1, p.isEmpty());
                });
    }

    /**
     * Whether every event of every partition of the hub has been sent to a receiver of the consumer
     * group: a reader that started at the earliest event has everything (whether it has processed it
     * is the reader's business).
     */
    public boolean deliveredAll(String hub, String consumerGroup) {
        return call(
                () -> {
                    EventHub found = hubOrThrow(hub);
                    for (Partition p : found.partitions) {
                        if (!handler.deliveredAll(found, consumerGroup, p)) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** How many receivers read a partition now (all consumer groups): tests wait on it. */
    public int receivers(String hub, String partitionId) {
        return call(() -> handler.receiversOf(hubOrThrow(hub), partition(hub, partitionId)));
    }

    /** Adds partitions to an event hub, as Premium and Dedicated tiers allow. */
    public void addPartitions(String hub, int count) {
        call(
                () -> {
                    hubOrThrow(hub).addPartitions(count);
                    return null;
                });
    }

    /** Drops a partition's events before a sequence number, as retention would. */
    public void expireBefore(String hub, String partitionId, long sequenceNumber) {
        call(
                () -> {
                    partition(hub, partitionId).expireBefore(sequenceNumber);
                    return null;
                });
    }

    private EventHub hubOrThrow(String hub) {
        EventHub found = log.hub(hub);
        if (found == null) {
            throw new IllegalArgumentException("no event hub " + hub);
        }
        return found;
    }

    private Partition partition(String hub, String partitionId) {
        Partition partition = hubOrThrow(hub).partition(partitionId);
        if (partition == null) {
            throw new IllegalArgumentException(
                    "event hub " + hub + " has no partition " + partitionId);
        }
        return partition;
    }

    /** Runs on the reactor thread and waits for the result. */
    private <T> T call(Callable<T> work) {
        if (!thread.isAlive()) {
            throw new IllegalStateException("the Event Hubs endpoint is stopped", failure);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        handler.submit(
                () -> {
                    try {
                        result.complete(work.call());
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                });
        reactor.wakeup();
        try {
            return result.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "the endpoint's reactor did not answer in " + CALL_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Closes the listener and every connection, and ends the reactor thread. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        handler.submit(
                () -> {
                    acceptor.close();
                    handler.closeAll();
                });
        reactor.wakeup();
        try {
            thread.join(5_000);
            if (thread.isAlive()) {
                // Clients that do not answer the close: stop without them.
                handler.submit(reactor::stop);
                reactor.wakeup();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Shows where it listens; never the key. */
    @Override
    public String toString() {
        return "EventHubsEndpoint[" + HOST + ":" + port + ", keyName=" + keyName + "]";
    }
}
