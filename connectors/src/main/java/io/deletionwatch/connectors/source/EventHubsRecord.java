package io.deletionwatch.connectors.source;

import java.io.Serializable;

/**
 * One event as read from an Event Hubs partition over AMQP, before any parsing: the body bytes and
 * where they came from, so an event that cannot be used can be dead-lettered with its exact
 * position. The AMQP counterpart of {@link KafkaRecord}.
 *
 * @param eventHub the event hub's name
 * @param partitionId the partition's id, e.g. {@code "0"}
 * @param sequenceNumber the event's sequence number in its partition (the position checkpointed)
 * @param offset the service's offset; an opaque string since geo-replication, for display only
 * @param enqueuedTime when the service enqueued the event, epoch milliseconds
 * @param body the event body; never null (an event without a data body is read as empty)
 */
public record EventHubsRecord(
        String eventHub,
        String partitionId,
        long sequenceNumber,
        String offset,
        long enqueuedTime,
        byte[] body)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}
