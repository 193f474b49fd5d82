package io.deletionwatch.job.parsing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a payload into a JSON tree that holds only the fields {@link ActivityLogParser} looks at;
 * the others (most claims and properties) are skipped token by token, still checked as JSON. The
 * tree keeps the payload's shape (its arrays, objects and field names as spelt), so the parser
 * reads it exactly as it reads the whole tree. Reading the whole tree was three quarters of the
 * parse's time; this read makes the parse 10-15 % faster (BENCHMARKS.md).
 *
 * <p>A field the parser starts to read must be added here: {@code SelectiveTreeReaderTest} and
 * the hostile-input properties compare the two reads.
 */
final class SelectiveTreeReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Which fields of an object to keep, and what to keep of each; matched ignoring case. */
    private static final class Selection {
        private final Map<String, Selection> fields = new HashMap<>();
        /** Every name looked up so far and its answer; most names are skipped ones. */
        private final Map<String, Selection> byName = new ConcurrentHashMap<>();
        private Selection elements;

        /** Keep the field's whole value. */
        static final Selection WHOLE = new Selection();

        Selection keep(Selection selection, String... names) {
            for (String name : names) {
                fields.put(name, selection);
            }
            return this;
        }

        Selection copy() {
            Selection copy = new Selection();
            copy.fields.putAll(fields);
            copy.elements = elements;
            return copy;
        }

        Selection elements(Selection selection) {
            this.elements = selection;
            return this;
        }

        /** What to keep of the named field, or null to skip it. */
        Selection field(String name) {
            Selection known = byName.get(name);
            if (known != null) {
                return known == SKIP ? null : known;
            }
            Selection found = SKIP;
            for (Map.Entry<String, Selection> entry : fields.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    found = entry.getValue();
                }
            }
            if (byName.size() < MAX_REMEMBERED) {
                byName.put(name, found);
            }
            return found == SKIP ? null : found;
        }
    }

    /** Marks a remembered name as one to skip. */
    private static final Selection SKIP = new Selection();
    /** Field names seen, remembered up to a bound: the input chooses them. */
    private static final int MAX_REMEMBERED = 4_096;

    private static final Selection IDENTITY =
            new Selection()
                    .keep(
                            new Selection()
                                    .keep(
                                            Selection.WHOLE,
                                            ActivityLogParser.CLAIM_OBJECT_ID,
                                            ActivityLogParser.CLAIM_UPN,
                                            ActivityLogParser.CLAIM_NAME,
                                            "name",
                                            "appid",
                                            "xms_mirid",
                                            "idtyp"),
                            "claims")
                    .keep(
                            new Selection()
                                    .keep(
                                            new Selection().keep(Selection.WHOLE, "principalId", "principalType"),
                                            "evidence"),
                            "authorization");

    private static final Selection RECORD =
            new Selection()
                    .keep(
                            Selection.WHOLE,
                            "category",
                            "time",
                            "operationName",
                            "resourceId",
                            "resultType",
                            "callerIpAddress",
                            "correlationId",
                            "tenantId",
                            "location")
                    .keep(IDENTITY, "identity")
                    .keep(
                            new Selection()
                                    .keep(Selection.WHOLE, "statusCode", "requestbody", "responseBody", "statusMessage"),
                            "properties");

    /** A payload's top object: an envelope of records, or one record by itself. */
    private static final Selection TOP = RECORD.copy().keep(new Selection().elements(RECORD), "records");

    private final ObjectMapper mapper;
    /** For the values kept whole, read from where the parser stands: nothing may follow them here. */
    private final ObjectReader wholeValue;

    SelectiveTreeReader(ObjectMapper mapper) {
        this.mapper = mapper;
        this.wholeValue =
                mapper.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * The payload's selected tree, or null when it has no JSON value or something follows the
     * first one; throws what Jackson throws for JSON it cannot read. Either way the caller's whole
     * read of the payload says what is wrong, with Jackson's own words.
     */
    JsonNode read(byte[] payload) throws IOException {
        try (JsonParser parser = mapper.createParser(payload)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode root =
                    switch (first) {
                        case START_ARRAY -> array(parser, RECORD);
                        case START_OBJECT -> object(parser, TOP);
                        default -> wholeValue.readTree(parser);
                    };
            return parser.nextToken() == null ? root : null;
        }
    }

    private ObjectNode object(JsonParser parser, Selection selection) throws IOException {
        ObjectNode node = NODES.objectNode();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            Selection kept = selection.field(name);
            JsonToken token = parser.nextToken();
            if (kept == null) {
                parser.skipChildren();
            } else {
                node.set(name, value(parser, token, kept));
            }
        }
        return node;
    }

    private ArrayNode array(JsonParser parser, Selection elements) throws IOException {
        ArrayNode node = NODES.arrayNode();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw new IOException("the payload ends inside an array");
            }
            node.add(value(parser, token, elements));
        }
        return node;
    }

    private JsonNode value(JsonParser parser, JsonToken token, Selection selection) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return NODES.textNode(parser.getText());
        }
        if (selection != Selection.WHOLE) {
            if (token == JsonToken.START_OBJECT) {
                return object(parser, selection);
            }
            if (token == JsonToken.START_ARRAY && selection.elements != null) {
                return array(parser, selection.elements);
            }
        }
        return wholeValue.readTree(parser);
    }
}
