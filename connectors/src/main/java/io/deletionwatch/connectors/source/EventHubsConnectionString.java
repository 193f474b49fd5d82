package io.deletionwatch.connectors.source;

import io.deletionwatch.connectors.elasticsearch.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Event Hubs namespace or event hub connection string, which the Kafka endpoint takes as the
 * SASL/PLAIN password of the user {@code $ConnectionString}:
 *
 * <pre>
 * Endpoint=sb://&lt;namespace&gt;.servicebus.windows.net/;SharedAccessKeyName=&lt;policy&gt;;
 *     SharedAccessKey=&lt;key&gt;[;EntityPath=&lt;event hub&gt;]
 * </pre>
 *
 * <p>The whole string is a secret. It is read from the environment or a file, and nothing here ever
 * puts it, or any part of it, into a message: errors name the faulty part, {@link #toString()}
 * redacts the key. One read from the environment or a file remembers where it came from ({@link
 * #origin()}): the Kafka source carries only that reference and reads the value again where it
 * runs, so the secret never travels inside the Flink job.
 */
public final class EventHubsConnectionString {
    /** The environment variable the connection string is read from. */
    public static final String ENVIRONMENT_VARIABLE = "EVENTHUBS_CONNECTION_STRING";

    /** The Kafka endpoint's port on every Event Hubs namespace. */
    public static final int KAFKA_PORT = 9093;

    /** The SASL/PLAIN user name the Event Hubs Kafka endpoint expects. */
    public static final String KAFKA_USERNAME = "$ConnectionString";

    private static final String ENDPOINT = "Endpoint";
    private static final String KEY_NAME = "SharedAccessKeyName";
    private static final String KEY = "SharedAccessKey";
    private static final String ENTITY_PATH = "EntityPath";
    private static final List<String> KNOWN_KEYS = List.of(ENDPOINT, KEY_NAME, KEY, ENTITY_PATH);

    private static final String EXPECTED =
            "expected Endpoint=sb://<namespace>.servicebus.windows.net/;"
                    + "SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<event hub>]";

    private static final String DNS_LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";

    /** {@code sb://<host>[:port][/]}; group 1 is the host, group 2 the port. */
    private static final Pattern ENDPOINT_PATTERN =
            Pattern.compile(
                    "(?i)sb://(" + DNS_LABEL + "(?:\\." + DNS_LABEL + ")*)(?::([0-9]{1,5}))?/?");

    /** Shared access policy names: letters, digits, periods, hyphens and underscores. */
    private static final Pattern KEY_NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,256}");

    /** Event hub names: letters, digits, periods, hyphens and underscores, 1 to 256 long. */
    private static final Pattern ENTITY_PATH_PATTERN =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,255}");

    private final String value;
    private final String host;
    private final Integer port;
    private final String keyName;
    private final String entityPath;
    private final Secret origin;

    private EventHubsConnectionString(
            String value, String host, Integer port, String keyName, String entityPath, Secret origin) {
        this.value = value;
        this.host = host;
        this.port = port;
        this.keyName = keyName;
        this.entityPath = entityPath;
        this.origin = origin;
    }

    /**
     * Parses and validates a connection string. Key names are matched ignoring case, as Azure's
     * SDKs do; keys other than the four above are ignored.
     *
     * @throws IllegalArgumentException naming what is wrong, never echoing any value
     */
    public static EventHubsConnectionString parse(String connectionString) {
        return parse(connectionString, null);
    }

    private static EventHubsConnectionString parse(String connectionString, Secret origin) {
        if (connectionString == null || connectionString.isBlank()) {
            throw new IllegalArgumentException("the Event Hubs connection string is empty");
        }
        String value = connectionString.strip();
        if (value.startsWith("\"") || value.startsWith("'")) {
            throw new IllegalArgumentException(
                    "the Event Hubs connection string is wrapped in quotes; remove them");
        }
        Map<String, String> parts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String[] segments = value.split(";");
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i].strip();
            if (segment.isEmpty()) {
                continue;
            }
            int eq = segment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "part "
                                + (i + 1)
                                + " of the Event Hubs connection string is not Key=Value; "
                                + EXPECTED);
            }
            String key = segment.substring(0, eq).strip();
            String known = canonicalKey(key);
            if (known == null) {
                continue;
            }
            if (parts.put(known, segment.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException(
                        "the Event Hubs connection string has " + known + " more than once");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String key : List.of(ENDPOINT, KEY_NAME, KEY)) {
            String part = parts.get(key);
            if (part == null || part.isEmpty()) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "the Event Hubs connection string lacks "
                            + String.join(", ", missing)
                            + "; "
                            + EXPECTED);
        }
        Matcher endpoint = ENDPOINT_PATTERN.matcher(parts.get(ENDPOINT));
        if (!endpoint.matches()) {
            throw new IllegalArgumentException(
                    "the Endpoint of the Event Hubs connection string must look like"
                            + " sb://<namespace>.servicebus.windows.net/");
        }
        if (!KEY_NAME_PATTERN.matcher(parts.get(KEY_NAME)).matches()) {
            throw new IllegalArgumentException(
                    "the SharedAccessKeyName of the Event Hubs connection string may only hold"
                            + " letters, digits, '.', '-' and '_'");
        }
        String entityPath = parts.get(ENTITY_PATH);
        if (entityPath != null) {
            if (entityPath.isEmpty()) {
                entityPath = null;
            } else if (!ENTITY_PATH_PATTERN.matcher(entityPath).matches()) {
                throw new IllegalArgumentException(
                        "the EntityPath of the Event Hubs connection string is not an event hub"
                                + " name (letters, digits, '.', '-', '_', at most 256)");
            }
        }
        // The key travels inside a quoted JAAS value: reject what such a value cannot carry now,
        // with this message, rather than later with a vaguer one.
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(
                        "the Event Hubs connection string holds a control character or line break");
            }
        }
        return new EventHubsConnectionString(
                value,
                endpoint.group(1).toLowerCase(Locale.ROOT),
                endpoint.group(2) == null ? null : Integer.valueOf(endpoint.group(2)),
                parts.get(KEY_NAME),
                entityPath,
                origin);
    }

    /**
     * Reads the connection string from {@value #ENVIRONMENT_VARIABLE}; empty when it is unset or
     * blank.
     */
    public static Optional<EventHubsConnectionString> fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, from the given environment. */
    public static Optional<EventHubsConnectionString> fromEnvironment(Map<String, String> env) {
        String value = env.get(ENVIRONMENT_VARIABLE);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(read(Secret.environment(ENVIRONMENT_VARIABLE), env));
    }

    /**
     * Reads the connection string from a file (e.g. a mounted Kubernetes secret), ignoring
     * surrounding white space and the final line break. The file is remembered by its absolute
     * path, where the JobManager and the TaskManagers read it again.
     */
    public static EventHubsConnectionString fromFile(Path file) {
        return read(Secret.file(file.toAbsolutePath().toString()), Map.of());
    }

    /**
     * Reads the connection string from where {@code origin} says: an environment variable of
     * {@code env} or a file.
     *
     * @throws IllegalArgumentException when it is missing or malformed, naming the variable or the
     *     file, never the value
     */
    static EventHubsConnectionString read(Secret origin, Map<String, String> env) {
        if (origin.source() == Secret.Source.ENVIRONMENT) {
            String value = env.get(origin.reference());
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(
                        "environment variable " + origin.reference() + " is not set in this process");
            }
            try {
                return parse(value, origin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "environment variable " + origin.reference() + ": " + e.getMessage());
            }
        }
        Path file = Path.of(origin.reference());
        String value;
        try {
            value = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // The exception's message is the path or an OS error, never the content.
            throw new IllegalArgumentException(
                    "cannot read the Event Hubs connection string file " + file + ": " + e, e);
        }
        try {
            return parse(value, origin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("file " + file + ": " + e.getMessage());
        }
    }

    private static String canonicalKey(String key) {
        for (String known : KNOWN_KEYS) {
            if (known.equalsIgnoreCase(key)) {
                return known;
            }
        }
        return null;
    }

    /** The namespace's host name, e.g. {@code contoso.servicebus.windows.net}. */
    public String host() {
        return host;
    }

    /** The Endpoint's port when it names one (a local test endpoint does; Azure's never do). */
    public OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The Endpoint, normalised: {@code sb://<host>/}. */
    public String endpoint() {
        return "sb://" + host + "/";
    }

    /** The namespace's Kafka endpoint, {@code <host>:9093}. */
    public String bootstrapServers() {
        return host + ":" + KAFKA_PORT;
    }

    public String sharedAccessKeyName() {
        return keyName;
    }

    /**
     * Where it was read from: {@code env:EVENTHUBS_CONNECTION_STRING} or {@code file:<absolute
     * path>}; empty when it was {@linkplain #parse(String) parsed} from a string.
     */
    public Optional<Secret> origin() {
        return Optional.ofNullable(origin);
    }

    /** The event hub this connection string is scoped to, if it is an event hub's own. */
    public Optional<String> entityPath() {
        return Optional.ofNullable(entityPath);
    }

    /**
     * The event hub to use: {@code requested}, else {@link #entityPath()}, else {@code fallback}
     * (null when there is none). Event hub names are case-insensitive.
     *
     * @param requestedAs how the message names where {@code requested} came from, e.g. {@code
     *     "--topic is"}
     * @throws IllegalArgumentException when {@code requested} is not the EntityPath
     */
    public String eventHub(String requested, String fallback, String requestedAs) {
        if (entityPath != null && requested != null && !requested.equalsIgnoreCase(entityPath)) {
            throw new IllegalArgumentException(
                    "the connection string is scoped to event hub '" + entityPath + "' (EntityPath) but "
                            + requestedAs + " '" + requested + "'");
        }
        return requested != null ? requested : entityPath != null ? entityPath : fallback;
    }

    /**
     * The {@code sasl.jaas.config} value for the Kafka endpoint: user {@code $ConnectionString},
     * the whole connection string as password. It holds the secret: never log it.
     */
    public String jaasConfig() {
        return Jaas.plainLogin(KAFKA_USERNAME, value);
    }

    /**
     * The connection string as given, for the Event Hubs SDK's {@code EventHubClientBuilder}
     * (which also reads keys this class ignores, such as {@code UseDevelopmentEmulator}). It holds
     * the secret: never log it.
     */
    public String sdkConnectionString() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventHubsConnectionString that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Shows where it points and which policy it uses; the key is redacted. */
    @Override
    public String toString() {
        return "EventHubsConnectionString[endpoint="
                + endpoint()
                + ", sharedAccessKeyName="
                + keyName
                + ", sharedAccessKey=<redacted>"
                + (entityPath == null ? "" : ", entityPath=" + entityPath)
                + "]";
    }
}
