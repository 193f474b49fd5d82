package io.deletionwatch.connectors.source;

import io.deletionwatch.connectors.elasticsearch.Secret;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Where and how the job reads: the Event Hubs Kafka endpoint in production, a plain Kafka broker
 * locally. The connection string is not part of the options: it is a secret and comes from the
 * environment or a file (see {@link EventHubsConnectionString}).
 *
 * @param bootstrapServers {@code host:port[,host:port...]}; may be null with {@link
 *     Security#EVENTHUBS}, then it is derived from the connection string's Endpoint
 * @param topic the event hub (topic) to read, e.g. {@code insights-activity-logs}; null when a
 *     pattern is given, or when the connection string's EntityPath names the event hub
 * @param topicPattern a regular expression of topics to read; null when a topic is given
 * @param groupId the consumer group offsets are committed to
 * @param startingOffsets where to start when the job starts without a checkpoint or savepoint
 * @param security how to connect
 * @param truststore a truststore for a private CA (tests, proxies); null for the JDK's default
 * @param properties further Kafka consumer properties; may override the Event Hubs recommendations
 *     but not what these options control
 */
public record KafkaSourceOptions(
        String bootstrapServers,
        String topic,
        String topicPattern,
        String groupId,
        StartingOffsets startingOffsets,
        Security security,
        Truststore truststore,
        Map<String, String> properties) {

    /**
     * Consumer properties these options own; setting them through {@code properties} is an error.
     */
    static final Set<String> MANAGED_PROPERTIES =
            Set.of(
                    "bootstrap.servers",
                    "group.id",
                    "auto.offset.reset",
                    "enable.auto.commit",
                    "key.deserializer",
                    "value.deserializer",
                    "security.protocol",
                    "sasl.mechanism",
                    "sasl.jaas.config",
                    "ssl.truststore.location",
                    "ssl.truststore.password",
                    "ssl.truststore.type",
                    "commit.offsets.on.checkpoint");

    /** The prefix of {@link SecretConfigProvider}'s settings; other providers may be added. */
    static final String OWN_CONFIG_PROVIDER = "config.providers." + SecretConfigProvider.ALIAS + ".";

    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5}");

    public KafkaSourceOptions {
        if (bootstrapServers != null) {
            bootstrapServers = bootstrapServers.strip();
            for (String server : bootstrapServers.split(",", -1)) {
                if (!HOST_PORT.matcher(server.strip()).matches()) {
                    throw new IllegalArgumentException(
                            "bootstrap servers must be host:port[,host:port...], got "
                                    + (bootstrapServers.contains(";")
                                                    || bootstrapServers.contains("=")
                                            // never echo what may be a misplaced connection string
                                            ? "a value with ';' or '=' (a connection string belongs"
                                                    + " in "
                                                    + EventHubsConnectionString.ENVIRONMENT_VARIABLE
                                                    + ")"
                                            : "'" + bootstrapServers + "'"));
                }
            }
        }
        topic = blankToNull(topic);
        topicPattern = blankToNull(topicPattern);
        if (topic != null && topicPattern != null) {
            throw new IllegalArgumentException(
                    "give either a topic or a topic pattern, not both (topic '"
                            + topic
                            + "', pattern '"
                            + topicPattern
                            + "')");
        }
        if (topicPattern != null) {
            try {
                Pattern.compile(topicPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "the topic pattern is not a regular expression: " + e.getMessage(), e);
            }
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException(
                    "a consumer group id is required: offsets are committed to it");
        }
        groupId = groupId.strip();
        if (startingOffsets == null) {
            throw new IllegalArgumentException(
                    "starting offsets are required; one of " + StartingOffsets.ids());
        }
        if (security == null) {
            throw new IllegalArgumentException("security is required; one of " + Security.ids());
        }
        if (security == Security.NONE && bootstrapServers == null) {
            throw new IllegalArgumentException(
                    "bootstrap servers are required with security 'none'");
        }
        if (security == Security.NONE && truststore != null) {
            throw new IllegalArgumentException(
                    "a truststore is only used with security 'eventhubs' (TLS); 'none' is"
                            + " plaintext");
        }
        properties =
                properties == null
                        ? Map.of()
                        : Collections.unmodifiableMap(new TreeMap<>(properties));
        for (Map.Entry<String, String> property : properties.entrySet()) {
            if (MANAGED_PROPERTIES.contains(property.getKey())
                    || property.getKey().startsWith(OWN_CONFIG_PROVIDER)) {
                throw new IllegalArgumentException(
                        "Kafka property '"
                                + property.getKey()
                                + "' is managed by the source (bootstrap servers, group id,"
                                + " starting offsets, security, truststore, offset commits on"
                                + " checkpoints) and cannot be set"
                                + (property.getKey().startsWith("sasl.")
                                        ? "; the Event Hubs connection string comes from "
                                                + EventHubsConnectionString.ENVIRONMENT_VARIABLE
                                                + " or a file"
                                        : ""));
            }
            if (property.getValue() == null) {
                throw new IllegalArgumentException(
                        "Kafka property '" + property.getKey() + "' has no value");
            }
        }
    }

    /** A builder with the defaults: security {@code eventhubs}, {@code committed-else-earliest}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Values of Kafka properties whose names suggest a secret are redacted. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, isSensitive(k) ? "<redacted>" : v));
        return "KafkaSourceOptions[bootstrapServers="
                + bootstrapServers
                + ", topic="
                + topic
                + ", topicPattern="
                + topicPattern
                + ", groupId="
                + groupId
                + ", startingOffsets="
                + startingOffsets.id()
                + ", security="
                + security.id()
                + ", truststore="
                + truststore
                + ", properties="
                + shown
                + "]";
    }

    static boolean isSensitive(String propertyName) {
        String name = propertyName.toLowerCase(Locale.ROOT);
        return name.contains("password")
                || name.contains("secret")
                || name.contains("jaas")
                || name.endsWith(".key")
                || name.contains("token")
                || name.contains("credential");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Where a job without a checkpoint or savepoint starts; a restored job resumes its state. */
    public enum StartingOffsets {
        /** The group's committed offsets; partitions without one start at the earliest record. */
        COMMITTED_ELSE_EARLIEST("committed-else-earliest"),
        /** The group's committed offsets; partitions without one start after the latest record. */
        COMMITTED_ELSE_LATEST("committed-else-latest"),
        /** The earliest retained record, ignoring committed offsets. */
        EARLIEST("earliest"),
        /** After the latest record, ignoring committed offsets. */
        LATEST("latest");

        private final String id;

        StartingOffsets(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Parses an id such as {@code committed-else-earliest}. */
        public static StartingOffsets parse(String id) {
            for (StartingOffsets value : values()) {
                if (value.id.equalsIgnoreCase(id == null ? "" : id.strip())) {
                    return value;
                }
            }
            throw new IllegalArgumentException(
                    "unknown starting offsets '" + id + "'; one of " + ids());
        }

        static String ids() {
            return Arrays.stream(values())
                    .map(StartingOffsets::id)
                    .collect(Collectors.joining(", "));
        }
    }

    /** How the source connects. */
    public enum Security {
        /** PLAINTEXT, for a local Kafka broker. */
        NONE("none"),
        /**
         * The Event Hubs Kafka endpoint: SASL_SSL with PLAIN, user {@code $ConnectionString} and
         * the connection string as password, plus Microsoft's recommended client settings.
         */
        EVENTHUBS("eventhubs");

        private final String id;

        Security(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Parses {@code none} or {@code eventhubs}. */
        public static Security parse(String id) {
            for (Security value : values()) {
                if (value.id.equalsIgnoreCase(id == null ? "" : id.strip())) {
                    return value;
                }
            }
            throw new IllegalArgumentException("unknown security '" + id + "'; one of " + ids());
        }

        static String ids() {
            return Arrays.stream(values()).map(Security::id).collect(Collectors.joining(", "));
        }
    }

    /**
     * A PKCS12 truststore holding the CA the endpoint's certificate chains to.
     *
     * @param password where its password is read, where the job runs; null for none (Kafka then
     *     uses the truststore without checking its integrity)
     */
    public record Truststore(Path path, Secret password) {
        public Truststore {
            if (path == null) {
                throw new IllegalArgumentException("the truststore path is required");
            }
        }
    }

    /** Builds {@link KafkaSourceOptions}; unset fields take the defaults listed on each setter. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic;
        private String topicPattern;
        private String groupId;
        private StartingOffsets startingOffsets = StartingOffsets.COMMITTED_ELSE_EARLIEST;
        private Security security = Security.EVENTHUBS;
        private Truststore truststore;
        private final Map<String, String> properties = new TreeMap<>();

        private Builder() {}

        /** Default: derived from the connection string (Event Hubs only). */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder topicPattern(String topicPattern) {
            this.topicPattern = topicPattern;
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Default: {@code committed-else-earliest}. */
        public Builder startingOffsets(StartingOffsets startingOffsets) {
            this.startingOffsets = startingOffsets;
            return this;
        }

        /** Default: {@code eventhubs}. */
        public Builder security(Security security) {
            this.security = security;
            return this;
        }

        /**
         * Default: none (the JDK's trusted CAs). The path and the password's variable or file
         * must exist on the JobManager and the TaskManagers.
         */
        public Builder truststore(Path path, Secret password) {
            this.truststore = new Truststore(path, password);
            return this;
        }

        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> properties) {
            this.properties.putAll(properties);
            return this;
        }

        public KafkaSourceOptions build() {
            return new KafkaSourceOptions(
                    bootstrapServers,
                    topic,
                    topicPattern,
                    groupId,
                    startingOffsets,
                    security,
                    truststore,
                    properties);
        }
    }
}
