package io.deletionwatch.connectors.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.elasticsearch.IndexedDocument;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON form of a {@link DeadLetter}, as indexed into the dead-letter data stream and written to
 * the {@code detect} command's dead-letter file. The payload is kept as text when it is valid
 * UTF-8, else base64.
 */
public final class DeadLetterDocument {
    public static final String DEFAULT_DATA_STREAM = "logs-deletion_watch.deadletter-default";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterDocument() {}

    public static ObjectNode toJson(DeadLetter deadLetter) {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("@timestamp", deadLetter.time().toString());
        doc.put(
                "message",
                "dead letter (" + deadLetter.reason() + ") at " + deadLetter.stage() + ": "
                        + deadLetter.detail());
        ObjectNode event = doc.putObject("event");
        event.put("kind", "pipeline_error");
        event.put("dataset", "deletion_watch.deadletter");
        event.put("module", "deletion_watch");
        event.put("created", deadLetter.time().toString());
        ObjectNode error = doc.putObject("error");
        error.put("code", deadLetter.reason());
        error.put("message", deadLetter.detail());
        ObjectNode dl = doc.putObject("deletion_watch").putObject("dead_letter");
        dl.put("reason", deadLetter.reason());
        dl.put("detail", deadLetter.detail());
        dl.put("stage", deadLetter.stage());
        if (deadLetter.topic() != null) {
            dl.put("topic", deadLetter.topic());
        }
        if (deadLetter.partition() != null) {
            dl.put("partition", deadLetter.partition());
        }
        if (deadLetter.offset() != null) {
            dl.put("offset", deadLetter.offset());
        }
        if (deadLetter.sequenceNumber() != null) {
            dl.put("sequence_number", deadLetter.sequenceNumber());
        }
        if (deadLetter.amqpOffset() != null) {
            dl.put("amqp_offset", deadLetter.amqpOffset());
        }
        byte[] payload = deadLetter.payload() == null ? new byte[0] : deadLetter.payload();
        dl.put("payload_bytes", payload.length);
        String text = utf8OrNull(payload);
        if (text != null) {
            dl.put("payload_encoding", "utf-8");
            dl.put("payload", text);
        } else {
            dl.put("payload_encoding", "base64");
            dl.put("payload", Base64.getEncoder().encodeToString(payload));
        }
        return doc;
    }

    /** The document for the sink; dead letters get Elasticsearch-chosen ids. */
    public static IndexedDocument toIndexedDocument(DeadLetter deadLetter) {
        try {
            return new IndexedDocument(null, MAPPER.writeValueAsBytes(toJson(deadLetter)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a dead letter", e);
        }
    }

    /** The bytes as text when they are valid UTF-8, else null. */
    public static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
