package io.deletionwatch.kibana;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The assets packaged in this module's jar: the same bytes as the files under {@code kibana/} that
 * users import by hand.
 */
public final class KibanaAssets {
    public static final String FINDINGS_DATA_STREAM_PATTERN = "logs-deletion_watch.findings-*";
    public static final String DEAD_LETTER_DATA_STREAM_PATTERN = "logs-deletion_watch.deadletter-*";

    public static final String SAVED_OBJECTS = "saved-objects/deletion-watch.ndjson";
    public static final String DETECTION_RULES =
            "detection-rules/deletion-watch-detection-rules.ndjson";
    /** The alert rules; each file's name without {@code .json} is the rule's id. */
    public static final List<String> ALERT_RULES =
            List.of(
                    "alert-rules/deletion-watch-critical-findings.json",
                    "alert-rules/deletion-watch-high-findings.json");

    public static final String FINDINGS_TEMPLATE =
            "/io/deletionwatch/connectors/elasticsearch/findings-template.json";
    public static final String DEAD_LETTER_TEMPLATE =
            "/io/deletionwatch/connectors/elasticsearch/deadletter-template.json";

    private static final String ROOT = "/io/deletionwatch/kibana/";

    private KibanaAssets() {}

    /** An asset by its path under {@code kibana/}, e.g. {@link #SAVED_OBJECTS}. */
    public static byte[] read(String assetPath) {
        return readResource(ROOT + assetPath);
    }

    /** A class-path resource by absolute name, e.g. {@link #FINDINGS_TEMPLATE}. */
    public static byte[] readResource(String absoluteName) {
        try (InputStream in = KibanaAssets.class.getResourceAsStream(absoluteName)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + absoluteName);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + absoluteName, e);
        }
    }

    /** The id of the alert rule in the given asset file. */
    public static String alertRuleId(String assetPath) {
        String name = assetPath.substring(assetPath.lastIndexOf('/') + 1);
        return name.substring(0, name.length() - ".json".length());
    }
}
