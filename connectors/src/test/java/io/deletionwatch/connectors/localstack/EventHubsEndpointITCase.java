package io.deletionwatch.connectors.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import com.azure.messaging.eventhubs.models.SendOptions;

import io.deletionwatch.connectors.testing.Eventually;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The endpoint against the real azure-messaging-eventhubs clients over a real socket. Where the
 * endpoint fakes service behaviour, the expectation comes from the SDK's documented behaviour or
 * source (cited), not from the endpoint itself.
 */
class EventHubsEndpointITCase {
    private static final String HUB = "insights-activity-logs";
    private static final String GROUP = "deletion-watch";
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:00.123Z");

    /** An unsigned JWT for audience https://eventhubs.azure.net/: the endpoint compares text. */
    private static final String TEST_JWT =
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                    + "eyJhdWQiOiJodHRwczovL2V2ZW50aHVicy5henVyZS5uZXQvIn0.";

    /** Enqueued times the tests choose: each publish is stamped with {@link #now}. */
    static final class SteppingClock extends Clock {
        volatile Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final SteppingClock CLOCK = new SteppingClock();
    private static EventHubsEndpoint endpoint;

    @BeforeAll
    static void start() throws Exception {
        endpoint =
                EventHubsEndpoint.builder()
                        .eventHub(HUB, 2)
                        .eventHub("epochs", 1)
                        .eventHub("filters", 1)
                        .eventHub("batches", 2)
                        .eventHub("runtime", 1)
                        .eventHub("routed", 3)
                        .consumerGroup(HUB, GROUP)
                        .entraIdToken(TEST_JWT)
                        .clock(CLOCK)
                        .start();
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** Fails fast instead of the SDK's default 3 retries of 60 s. */
    private static EventHubClientBuilder client(String connectionString, String hub) {
        return new EventHubClientBuilder()
                .connectionString(connectionString, hub)
                .retryOptions(
                        new AmqpRetryOptions()
                                .setMaxRetries(1)
                                .setDelay(Duration.ofMillis(100))
                                .setTryTimeout(Duration.ofSeconds(10)));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> bodies(Iterable<PartitionEvent> events) {
        List<String> out = new ArrayList<>();
        for (PartitionEvent e : events) {
            out.add(e.getData().getBodyAsString());
        }
        return out;
    }

    @Test
    void reportsHubAndPartitionPropertiesAsManagementReads() {
        endpoint.publish(HUB, "1", List.of(utf8("a"), utf8("bb"), utf8("ccc")));
        try (EventHubConsumerClient consumer =
                client(endpoint.connectionString(), HUB)
                        .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                        .buildConsumerClient()) {
            EventHubProperties hub = consumer.getEventHubProperties();
            assertThat(hub.getName()).isEqualTo(HUB);
            assertThat(hub.getCreatedAt()).isEqualTo(T0);
            assertThat(hub.getPartitionIds()).containsExactly("0", "1");

            PartitionProperties one = consumer.getPartitionProperties("1");
            assertThat(one.getId()).isEqualTo("1");
            assertThat(one.getEventHubName()).isEqualTo(HUB);
            assertThat(one.getBeginningSequenceNumber()).isZero();
            assertThat(one.getLastEnqueuedSequenceNumber()).isEqualTo(2);
            // Offsets are the bytes before each event: 0, 1, 3.
            assertThat(one.getLastEnqueuedOffset()).isEqualTo("3");
            assertThat(one.getLastEnqueuedTime()).isEqualTo(T0);
            assertThat(one.isEmpty()).isFalse();

            PartitionProperties zero = consumer.getPartitionProperties("0");
            assertThat(zero.isEmpty()).isTrue();
            assertThat(zero.getLastEnqueuedSequenceNumber()).isEqualTo(-1);
        }
    }

    @Test
    void storesABatchSentByTheProducerAndDeliversItWithItsAnnotations() {
        try (EventHubProducerClient producer =
                        client(endpoint.connectionString(), "batches").buildProducerClient();
                EventHubConsumerClient consumer =
                        client(endpoint.connectionString(), "batches")
                                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                                .buildConsumerClient()) {
            EventDataBatch batch =
                    producer.createBatch(new CreateBatchOptions().setPartitionId("1"));
            // ReactorSender sizes batches from the attach's max-message-size (1 MB here).
            assertThat(batch.getMaxSizeInBytes()).isEqualTo(1024 * 1024);
            for (String body : List.of("first", "second", "third")) {
                assertThat(batch.tryAdd(new EventData(body))).isTrue();
            }
            producer.send(batch);
            producer.send(List.of(new EventData("fourth")), new SendOptions().setPartitionId("1"));

            List<PartitionEvent> events = new ArrayList<>();
            consumer.receiveFromPartition("1", 4, EventPosition.earliest(), Duration.ofSeconds(10))
                    .forEach(events::add);

            assertThat(bodies(events)).containsExactly("first", "second", "third", "fourth");
            assertThat(events)
                    .extracting(e -> e.getData().getSequenceNumber())
                    .containsExactly(0L, 1L, 2L, 3L);
            assertThat(events)
                    .extracting(e -> e.getData().getOffsetString())
                    .containsExactly("0", "5", "11", "16");
            assertThat(events).extracting(e -> e.getData().getEnqueuedTime()).containsOnly(T0);
            assertThat(events)
                    .extracting(e -> e.getPartitionContext().getPartitionId())
                    .containsOnly("1");
            assertThat(endpoint.events("batches", "0")).isEmpty();
        }
    }

    @Test
    void tellsAReceiverThatAsksTheLastEnqueuedEventOfThePartition() {
        endpoint.publish("runtime", "0", List.of(utf8("r0"), utf8("r1"), utf8("r2")));
        try (EventHubConsumerClient consumer =
                client(endpoint.connectionString(), "runtime")
                        .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                        .buildConsumerClient()) {
            List<PartitionEvent> events = new ArrayList<>();
            consumer.receiveFromPartition(
                            "0",
                            1,
                            EventPosition.earliest(),
                            Duration.ofSeconds(10),
                            new ReceiveOptions().setTrackLastEnqueuedEventProperties(true))
                    .forEach(events::add);

            // ReceiveOptions#setTrackLastEnqueuedEventProperties: each event carries the
            // partition's last enqueued event (delivery annotations, EventHubMessageSerializer).
            assertThat(events).hasSize(1);
            var last = events.get(0).getLastEnqueuedEventProperties();
            assertThat(last.getSequenceNumber()).isEqualTo(2L);
            assertThat(last.getOffsetString()).isEqualTo("4");
            assertThat(last.getEnqueuedTime()).isEqualTo(T0);
        }
    }

    @Test
    void routesHubLevelSendsByPartitionKeyOrRoundRobin() {
        try (EventHubProducerClient producer =
                client(endpoint.connectionString(), "routed").buildProducerClient()) {
            producer.send(
                    List.of(new EventData("k1"), new EventData("k2")),
                    new SendOptions().setPartitionKey("subscription-a"));
            producer.send(
                    List.of(new EventData("k3")),
                    new SendOptions().setPartitionKey("subscription-a"));
            for (int i = 0; i < 3; i++) {
                producer.send(List.of(new EventData("rr" + i)));
            }
        }
        List<List<String>> byPartition = new ArrayList<>();
        for (String partition : List.of("0", "1", "2")) {
            byPartition.add(
                    endpoint.events("routed", partition).stream()
                            .map(e -> new String(e.body(), StandardCharsets.UTF_8))
                            .toList());
        }
        // One key, one partition, in order; without a key the three sends go to three partitions.
        assertThat(byPartition.stream().filter(p -> p.contains("k1")).toList())
                .singleElement()
                .satisfies(p -> assertThat(p).containsSubsequence("k1", "k2", "k3"));
        assertThat(byPartition)
                .allSatisfy(p -> assertThat(p.stream().filter(b -> b.startsWith("rr"))).hasSize(1));
    }

    @Test
    void startsWhereTheStartFilterSays() {
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CLOCK.now = T0.plusSeconds(60L * i);
            times.add(CLOCK.now);
            endpoint.publish("filters", "0", List.of(utf8("event-" + i)));
        }
        CLOCK.now = T0;
        String offsetOfSecond = endpoint.events("filters", "0").get(1).offset();
        try (EventHubConsumerClient consumer =
                client(endpoint.connectionString(), "filters")
                        .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                        .buildConsumerClient()) {
            Duration wait = Duration.ofSeconds(10);
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "0", 5, EventPosition.earliest(), wait)))
                    .containsExactly("event-0", "event-1", "event-2", "event-3", "event-4");
            // EventPosition.fromSequenceNumber(long) is exclusive, (long, true) inclusive.
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "0", 2, EventPosition.fromSequenceNumber(2), wait)))
                    .containsExactly("event-3", "event-4");
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "0",
                                            3,
                                            EventPosition.fromSequenceNumber(2, true),
                                            wait)))
                    .containsExactly("event-2", "event-3", "event-4");
            // fromOffsetString and fromEnqueuedTime are exclusive (EventPosition's Javadoc).
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "0",
                                            3,
                                            EventPosition.fromOffsetString(offsetOfSecond),
                                            wait)))
                    .containsExactly("event-2", "event-3", "event-4");
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "0",
                                            2,
                                            EventPosition.fromEnqueuedTime(times.get(2)),
                                            wait)))
                    .containsExactly("event-3", "event-4");
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "0",
                                            5,
                                            EventPosition.latest(),
                                            Duration.ofMillis(500))))
                    .isEmpty();
        }
    }

    @Test
    void readsFromTheFirstRetainedEventWhenTheStartHasExpired() {
        endpoint.publish(HUB, "0", List.of(utf8("old-0"), utf8("old-1"), utf8("kept-2")));
        endpoint.expireBefore(HUB, "0", 2);
        try (EventHubConsumerClient consumer =
                client(endpoint.connectionString(), HUB)
                        .consumerGroup(GROUP)
                        .buildConsumerClient()) {
            assertThat(consumer.getPartitionProperties("0").getBeginningSequenceNumber())
                    .isEqualTo(2);
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "0",
                                            1,
                                            EventPosition.fromSequenceNumber(0, true),
                                            Duration.ofSeconds(10))))
                    .containsExactly("kept-2");
        }
    }

    @Test
    void refusesAKeyThatIsNotTheNamespaces() {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        try (EventHubConsumerClient consumer =
                client(endpoint.connectionString(wrongKey), HUB)
                        .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                        .buildConsumerClient()) {
            // ExceptionUtil.amqpResponseCodeToException: 401 -> UNAUTHORIZED_ACCESS, not transient.
            assertThatThrownBy(consumer::getEventHubProperties)
                    .isInstanceOfSatisfying(
                            AmqpException.class,
                            e -> {
                                assertThat(e.getErrorCondition())
                                        .isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
                                assertThat(e.isTransient()).isFalse();
                                assertThat(e.getMessage())
                                        .contains("status-code: 401")
                                        .contains("InvalidSignature")
                                        .doesNotContain(wrongKey);
                            });
        }
    }

    /**
     * A TokenCredential's token goes to $cbs as type jwt (CbsAuthorizationType.JSON_WEB_TOKEN) and
     * to $management as security_token, asked for with the scope
     * https://eventhubs.azure.net/.default (EventHubClientBuilder, 5.21.5). The connection string
     * only points the client at the endpoint: its UseDevelopmentEmulator turns TLS off
     * (EventHubClientBuilder#buildConnectionOptions), while credential(TokenCredential) replaces
     * its key.
     */
    private static EventHubClientBuilder withToken(String hub, String token, List<String> scopes) {
        TokenCredential credential =
                request -> {
                    scopes.addAll(request.getScopes());
                    return Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
                };
        return client(endpoint.connectionString(), hub).credential(credential);
    }

    @Test
    void acceptsTheEntraIdTokenItWasGivenForManagementAndReceiving() {
        endpoint.publish(HUB, "1", List.of(utf8("with a token")));
        List<String> scopes = new CopyOnWriteArrayList<>();
        try (EventHubConsumerClient consumer =
                withToken(HUB, TEST_JWT, scopes).consumerGroup(GROUP).buildConsumerClient()) {
            assertThat(consumer.getEventHubProperties().getPartitionIds())
                    .containsExactly("0", "1");
            assertThat(
                            bodies(
                                    consumer.receiveFromPartition(
                                            "1",
                                            1,
                                            EventPosition.fromSequenceNumber(
                                                    consumer.getPartitionProperties("1")
                                                            .getLastEnqueuedSequenceNumber(),
                                                    true),
                                            Duration.ofSeconds(10))))
                    .containsExactly("with a token");
        }
        assertThat(scopes).isNotEmpty().containsOnly("https://eventhubs.azure.net/.default");
    }

    @Test
    void refusesAnEntraIdTokenItWasNotGiven() {
        String other = TEST_JWT + "forged";
        try (EventHubConsumerClient consumer =
                withToken(HUB, other, new CopyOnWriteArrayList<>())
                        .consumerGroup(GROUP)
                        .buildConsumerClient()) {
            assertThatThrownBy(consumer::getEventHubProperties)
                    .isInstanceOfSatisfying(
                            AmqpException.class,
                            e -> {
                                assertThat(e.getErrorCondition())
                                        .isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
                                assertThat(e.getMessage())
                                        .contains(
                                                "InvalidToken: The JSON web token is not accepted"
                                                        + " by this namespace.")
                                        .doesNotContain(other);
                            });
            // The sync client wraps the receiver's AmqpException (WindowedSubscriber).
            Throwable receive =
                    catchThrowable(
                            () ->
                                    consumer.receiveFromPartition(
                                                    "0",
                                                    1,
                                                    EventPosition.earliest(),
                                                    Duration.ofSeconds(10))
                                            .forEach(e -> {}));
            assertThat(amqpCause(receive).getErrorCondition())
                    .isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
        }
    }

    private static AmqpException amqpCause(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof AmqpException amqp) {
                return amqp;
            }
        }
        throw new AssertionError("no AmqpException in " + thrown, thrown);
    }

    @Test
    void saysAnUnknownHubCannotBeFound() {
        try (EventHubConsumerClient consumer =
                client(endpoint.connectionString(), "no-such-hub")
                        .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                        .buildConsumerClient()) {
            // ExceptionUtil.distinguishNotFound: "The messaging entity .* could not be found" is
            // NOT_FOUND and not transient, so the SDK does not retry.
            assertThatThrownBy(consumer::getEventHubProperties)
                    .isInstanceOfSatisfying(
                            AmqpException.class,
                            e -> {
                                assertThat(e.getErrorCondition())
                                        .isEqualTo(AmqpErrorCondition.NOT_FOUND);
                                assertThat(e.isTransient()).isFalse();
                                assertThat(e.getMessage())
                                        .contains(
                                                "The messaging entity 'sb://127.0.0.1/no-such-hub'"
                                                        + " could not be found");
                            });
        }
    }

    @Test
    void saysAnUnknownConsumerGroupCannotBeFound() {
        EventHubConsumerAsyncClient consumer =
                client(endpoint.connectionString(), HUB)
                        .consumerGroup("nobody")
                        .buildAsyncConsumerClient();
        try {
            assertThatThrownBy(
                            () ->
                                    consumer.receiveFromPartition("0", EventPosition.earliest())
                                            .blockFirst(Duration.ofSeconds(20)))
                    .isInstanceOfSatisfying(
                            AmqpException.class,
                            e -> {
                                assertThat(e.getErrorCondition())
                                        .isEqualTo(AmqpErrorCondition.NOT_FOUND);
                                assertThat(e.isTransient()).isFalse();
                                assertThat(e.getMessage())
                                        .contains(
                                                "The messaging entity 'sb://127.0.0.1/"
                                                        + HUB
                                                        + "/consumergroups/nobody' could not be"
                                                        + " found");
                            });
        } finally {
            consumer.close();
        }
    }

    @Test
    void aHigherEpochReceiverDisconnectsTheLowerOne() throws Exception {
        EventHubConsumerAsyncClient first =
                client(endpoint.connectionString(), "epochs")
                        .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                        .buildAsyncConsumerClient();
        EventHubConsumerAsyncClient second =
                client(endpoint.connectionString(), "epochs")
                        .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                        .buildAsyncConsumerClient();
        List<String> firstGot = new CopyOnWriteArrayList<>();
        List<String> secondGot = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Disposable a = null;
        Disposable b = null;
        try {
            a =
                    first.receiveFromPartition(
                                    "0",
                                    EventPosition.earliest(),
                                    new ReceiveOptions().setOwnerLevel(1L))
                            .subscribe(
                                    e -> firstGot.add(e.getData().getBodyAsString()),
                                    firstError::set);
            endpoint.publish("epochs", "0", List.of(utf8("before")));
            Eventually.await(
                    "the epoch-1 receiver gets the first event",
                    Duration.ofSeconds(20),
                    () -> firstGot.size() == 1);

            b =
                    second.receiveFromPartition(
                                    "0",
                                    EventPosition.earliest(),
                                    new ReceiveOptions().setOwnerLevel(2L))
                            .subscribe(e -> secondGot.add(e.getData().getBodyAsString()));
            // The SDK maps amqp:link:stolen to LINK_STOLEN, not transient
            // (ExceptionUtil.toException).
            Eventually.await(
                    "the epoch-1 receiver is disconnected",
                    Duration.ofSeconds(20),
                    () -> firstError.get() != null);
            assertThat(firstError.get())
                    .isInstanceOfSatisfying(
                            AmqpException.class,
                            e ->
                                    assertThat(e.getErrorCondition())
                                            .isEqualTo(AmqpErrorCondition.LINK_STOLEN));

            endpoint.publish("epochs", "0", List.of(utf8("after")));
            Eventually.await(
                    "the epoch-2 receiver reads both",
                    Duration.ofSeconds(20),
                    () -> secondGot.size() == 2);
            assertThat(secondGot).containsExactly("before", "after");
            assertThat(firstGot).containsExactly("before");
        } finally {
            if (a != null) {
                a.dispose();
            }
            if (b != null) {
                b.dispose();
            }
            first.close();
            second.close();
        }
    }
}
