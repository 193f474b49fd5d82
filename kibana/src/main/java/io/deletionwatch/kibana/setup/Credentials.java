package io.deletionwatch.kibana.setup;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * How to authenticate to one server, read from the environment. Holds the {@code Authorization}
 * header value; {@link #toString()} never shows it.
 */
final class Credentials {
    private final String kind;
    private final String authorization;

    private Credentials(String kind, String authorization) {
        this.kind = kind;
        this.authorization = authorization;
    }

    static Credentials none() {
        return new Credentials("no credentials", null);
    }

    /**
     * Reads {@code <prefix>_API_KEY}, or {@code <prefix>_USERNAME} with {@code <prefix>_PASSWORD}.
     */
    static Optional<Credentials> fromEnvironment(String prefix, Map<String, String> env)
            throws UsageException {
        String apiKey = value(env, prefix + "_API_KEY");
        String username = value(env, prefix + "_USERNAME");
        String password = value(env, prefix + "_PASSWORD");
        if (apiKey != null) {
            if (username != null || password != null) {
                throw new UsageException(
                        "set either " + prefix + "_API_KEY or " + prefix + "_USERNAME/"
                                + prefix + "_PASSWORD, not both");
            }
            return Optional.of(new Credentials("API key from " + prefix + "_API_KEY",
                    "ApiKey " + apiKey));
        }
        if (username == null && password == null) {
            return Optional.empty();
        }
        if (username == null || password == null) {
            throw new UsageException(
                    prefix + "_USERNAME and " + prefix + "_PASSWORD must be set together");
        }
        String token =
                Base64.getEncoder()
                        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Optional.of(
                new Credentials("user " + username + " from " + prefix + "_USERNAME", "Basic " + token));
    }

    private static String value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The header value, or null to send no {@code Authorization} header. */
    String authorization() {
        return authorization;
    }

    /** Where the credentials came from, e.g. {@code API key from ES_API_KEY}; no secret. */
    String describe() {
        return kind;
    }

    @Override
    public String toString() {
        return "Credentials(" + kind + ")";
    }
}
