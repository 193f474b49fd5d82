package io.deletionwatch.connectors.source;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import java.time.Duration;

/**
 * Publishes messages to an event hub over AMQP in batches as large as the hub takes: the SDK sizes
 * each {@link EventDataBatch} from the maximum message size the service announces on the link
 * (1 MB on Standard, 256 KB on Basic), so a batch never exceeds it. Messages go to partitions as
 * the service spreads them, as a diagnostic setting's do. Each send returns once the service has
 * acknowledged the batch.
 */
public final class EventHubsAmqpPublisher implements AutoCloseable {
    /** What happened to the messages of one batch. */
    public interface Listener {
        void acknowledged(int messages);

        void failed(int messages, Exception cause);
    }

    private final EventHubProducerClient producer;
    private final Listener listener;
    private EventDataBatch batch;

    public EventHubsAmqpPublisher(EventHubsConnectionString connectionString, String hub, Duration tryTimeout, Listener listener) {
        this.producer = EventHubsAmqpClients.builder(connectionString, hub, tryTimeout, 3).buildProducerClient();
        this.listener = listener;
    }

    /** Adds one message; sends the batch first when the message does not fit any more. */
    public void publish(byte[] body) {
        EventData event = new EventData(body);
        if (batch == null) {
            batch = producer.createBatch();
        }
        try {
            if (batch.tryAdd(event)) {
                return;
            }
            flush();
            batch = producer.createBatch();
            if (batch.tryAdd(event)) {
                return;
            }
        } catch (AmqpException e) {
            // The SDK refuses, rather than declines, a message larger than a whole batch.
            if (e.getErrorCondition() != AmqpErrorCondition.LINK_PAYLOAD_SIZE_EXCEEDED) {
                throw e;
            }
        }
        listener.failed(1, new IllegalArgumentException(
                "a message of " + body.length + " bytes is larger than the event hub takes ("
                        + batch.getMaxSizeInBytes() + " bytes with its AMQP framing)"));
    }

    /** Sends what is batched and waits for the acknowledgement. */
    public void flush() {
        if (batch == null || batch.getCount() == 0) {
            return;
        }
        EventDataBatch sending = batch;
        batch = null;
        try {
            producer.send(sending);
            listener.acknowledged(sending.getCount());
        } catch (RuntimeException e) {
            listener.failed(sending.getCount(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
