package io.deletionwatch.kibana.assets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The asset files as the definitions generate them: path under {@code kibana/} to bytes. */
public final class AssetFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AssetFiles() {}

    public static Map<String, byte[]> generate() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(KibanaAssets.SAVED_OBJECTS, ndjson(SavedObjectsDefinition.objects()));
        files.put(KibanaAssets.DETECTION_RULES, ndjson(DetectionRulesDefinition.rules()));
        AlertRulesDefinition.rules()
                .forEach((name, rule) -> files.put("alert-rules/" + name, pretty(rule)));
        return files;
    }

    private static byte[] ndjson(List<ObjectNode> objects) {
        StringBuilder out = new StringBuilder();
        for (ObjectNode object : objects) {
            out.append(SavedObjectsDefinition.encode(object)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] pretty(ObjectNode object) {
        DefaultPrettyPrinter printer =
                new DefaultPrettyPrinter(
                                Separators.createDefaultInstance()
                                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return (MAPPER.writer(printer).writeValueAsString(object) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
