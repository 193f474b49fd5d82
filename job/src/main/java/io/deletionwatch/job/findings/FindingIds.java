package io.deletionwatch.job.findings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic finding ids: SHA-256 over the rule id and what identifies the incident, so a
 * replay or a restart produces the same {@code _id} and Elasticsearch keeps one document.
 */
public final class FindingIds {
    private FindingIds() {}

    /** @param incident the parts that identify the incident; compared case-insensitively */
    public static String of(String ruleId, String... incident) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha256.update(ruleId.getBytes(StandardCharsets.UTF_8));
        for (String part : incident) {
            sha256.update((byte) 0);
            String normalized = part == null ? "" : part.toLowerCase(Locale.ROOT);
            sha256.update(normalized.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
