package io.deletionwatch.connectors.elasticsearch;

import java.io.Serializable;
import java.util.Map;

/**
 * How the sink authenticates: not at all (a local node), with an API key, or with a user name and
 * password. Secrets are {@link Secret} references; {@link #toString()} never shows a value.
 */
public sealed interface Credentials extends Serializable
        permits Credentials.None, Credentials.ApiKey, Credentials.Basic {

    String API_KEY_VARIABLE = "ES_API_KEY";
    String API_KEY_FILE_VARIABLE = "ES_API_KEY_FILE";
    String USERNAME_VARIABLE = "ES_USERNAME";
    String PASSWORD_VARIABLE = "ES_PASSWORD";
    String PASSWORD_FILE_VARIABLE = "ES_PASSWORD_FILE";

    /** No authentication. */
    record None() implements Credentials {
        private static final long serialVersionUID = 1L;
    }

    /** An API key, sent as {@code Authorization: ApiKey <key>} (the encoded form Kibana shows). */
    record ApiKey(Secret key) implements Credentials {
        private static final long serialVersionUID = 1L;

        public ApiKey {
            if (key == null) {
                throw new IllegalArgumentException("an API key credential needs a secret");
            }
        }
    }

    /** HTTP basic authentication. */
    record Basic(String username, Secret password) implements Credentials {
        private static final long serialVersionUID = 1L;

        public Basic {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("basic authentication needs a user name");
            }
            if (password == null) {
                throw new IllegalArgumentException("basic authentication needs a password secret");
            }
        }
    }

    static Credentials none() {
        return new None();
    }

    /**
     * The credentials the environment asks for: {@code ES_API_KEY} (or {@code ES_API_KEY_FILE}, a
     * file holding it), else {@code ES_USERNAME} with {@code ES_PASSWORD} (or {@code
     * ES_PASSWORD_FILE}), else none. Only names are kept; values are read when the client is built.
     *
     * @throws IllegalArgumentException when the variables contradict each other
     */
    static Credentials fromEnvironment(Map<String, String> environment) {
        boolean apiKey = isSet(environment, API_KEY_VARIABLE);
        boolean apiKeyFile = isSet(environment, API_KEY_FILE_VARIABLE);
        boolean username = isSet(environment, USERNAME_VARIABLE);
        boolean password = isSet(environment, PASSWORD_VARIABLE);
        boolean passwordFile = isSet(environment, PASSWORD_FILE_VARIABLE);
        if (apiKey && apiKeyFile) {
            throw new IllegalArgumentException(
                    "set " + API_KEY_VARIABLE + " or " + API_KEY_FILE_VARIABLE + ", not both");
        }
        if (password && passwordFile) {
            throw new IllegalArgumentException(
                    "set " + PASSWORD_VARIABLE + " or " + PASSWORD_FILE_VARIABLE + ", not both");
        }
        if ((apiKey || apiKeyFile) && (username || password || passwordFile)) {
            throw new IllegalArgumentException(
                    "set either an API key ("
                            + API_KEY_VARIABLE
                            + ") or a user and password ("
                            + USERNAME_VARIABLE
                            + "/"
                            + PASSWORD_VARIABLE
                            + "), not both");
        }
        if (apiKey) {
            return new ApiKey(Secret.environment(API_KEY_VARIABLE));
        }
        if (apiKeyFile) {
            return new ApiKey(Secret.file(environment.get(API_KEY_FILE_VARIABLE)));
        }
        if (username != (password || passwordFile)) {
            throw new IllegalArgumentException(
                    username
                            ? USERNAME_VARIABLE
                                    + " is set but neither "
                                    + PASSWORD_VARIABLE
                                    + " nor "
                                    + PASSWORD_FILE_VARIABLE
                            : "a password is set but " + USERNAME_VARIABLE + " is not");
        }
        if (username) {
            Secret secret =
                    password
                            ? Secret.environment(PASSWORD_VARIABLE)
                            : Secret.file(environment.get(PASSWORD_FILE_VARIABLE));
            return new Basic(environment.get(USERNAME_VARIABLE), secret);
        }
        return none();
    }

    private static boolean isSet(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value != null && !value.isBlank();
    }
}
