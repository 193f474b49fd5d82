package io.deletionwatch.connectors.source;

import io.deletionwatch.connectors.source.KafkaSourceOptions.Security;
import io.deletionwatch.connectors.source.KafkaSourceOptions.Truststore;

import io.deletionwatch.connectors.elasticsearch.Secret;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;

/**
 * How any Kafka client (the job's consumer, {@code replay}'s producer, an admin client for
 * pre-flight checks) reaches a broker: bootstrap servers, security protocol, the Event Hubs
 * {@code $ConnectionString} login and a private truststore. One definition, so that every client
 * connects exactly as the job does.
 */
public final class KafkaClientProperties {
    /**
     * Microsoft's recommended settings for every client of the Event Hubs Kafka endpoint. The
     * service closes connections idle for 240 s, so the client closes them first.
     */
    public static final Map<String, String> EVENT_HUBS_RECOMMENDED =
            Map.of(
                    "metadata.max.age.ms", "180000",
                    "connections.max.idle.ms", "180000");

    /** How the secrets appear in the properties. */
    public enum Secrets {
        /** The values themselves: for a client made here and now (a producer, a check). */
        INLINE,
        /**
         * References that {@link SecretConfigProvider} resolves in the JVM that makes the client:
         * for the job, whose source properties travel inside the job graph.
         */
        REFERENCED
    }

    private KafkaClientProperties() {}

    /**
     * The connection properties for a client made now; with {@code eventhubs} they hold the
     * secret: never log them, never ship them.
     *
     * @param bootstrapServers {@code host:port[,...]}, or null to use the connection string's
     *     namespace endpoint
     * @param connectionString required with {@code eventhubs}, null with {@code none}
     * @param truststore a private CA's truststore (TLS only), or null for the JDK's
     * @throws IllegalArgumentException when these do not fit together
     */
    public static Properties connection(
            String bootstrapServers,
            Security security,
            EventHubsConnectionString connectionString,
            Truststore truststore) {
        return connection(bootstrapServers, security, connectionString, truststore, Secrets.INLINE);
    }

    /**
     * The connection properties with the secrets as {@code secrets} says.
     *
     * @throws IllegalArgumentException when these do not fit together, or with {@code REFERENCED}
     *     when the connection string was not read from the environment or a file
     */
    public static Properties connection(
            String bootstrapServers,
            Security security,
            EventHubsConnectionString connectionString,
            Truststore truststore,
            Secrets secrets) {
        if (security == Security.EVENTHUBS && connectionString == null) {
            throw new IllegalArgumentException(
                    "security 'eventhubs' needs the Event Hubs connection string: set "
                            + EventHubsConnectionString.ENVIRONMENT_VARIABLE
                            + " or give a connection string file");
        }
        if (security == Security.NONE && connectionString != null) {
            throw new IllegalArgumentException(
                    "an Event Hubs connection string was given but security is 'none';"
                            + " use security 'eventhubs' or drop the connection string");
        }
        if (security == Security.NONE && truststore != null) {
            throw new IllegalArgumentException(
                    "a truststore is only used with security 'eventhubs' (TLS); 'none' is"
                            + " plaintext");
        }
        if (bootstrapServers == null && connectionString == null) {
            throw new IllegalArgumentException(
                    "bootstrap servers are required with security 'none'");
        }
        Properties props = new Properties();
        props.setProperty(
                "bootstrap.servers",
                bootstrapServers != null ? bootstrapServers : connectionString.bootstrapServers());
        switch (security) {
            case NONE -> props.setProperty("security.protocol", "PLAINTEXT");
            case EVENTHUBS -> {
                props.setProperty("security.protocol", "SASL_SSL");
                props.setProperty("sasl.mechanism", "PLAIN");
                props.setProperty(
                        "sasl.jaas.config",
                        secrets == Secrets.INLINE
                                ? connectionString.jaasConfig()
                                : SecretConfigProvider.jaasConfigReference(origin(connectionString)));
            }
        }
        if (truststore != null) {
            props.setProperty(
                    "ssl.truststore.location", truststore.path().toAbsolutePath().toString());
            // Without a password Kafka still uses the truststore, only its integrity goes unchecked.
            if (truststore.password() != null) {
                props.setProperty(
                        "ssl.truststore.password",
                        secrets == Secrets.INLINE
                                ? resolve(truststore.password())
                                : SecretConfigProvider.valueReference(truststore.password()));
            }
            props.setProperty("ssl.truststore.type", "PKCS12");
        }
        return props;
    }

    private static Secret origin(EventHubsConnectionString connectionString) {
        return connectionString
                .origin()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "the Event Hubs connection string must be read from "
                                                + EventHubsConnectionString.ENVIRONMENT_VARIABLE
                                                + " or a file, where the JobManager and the"
                                                + " TaskManagers read it again; the job never"
                                                + " carries it"));
    }

    private static String resolve(Secret secret) {
        try {
            return secret.resolve();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** {@link #connection} for the job's source options. */
    public static Properties connection(
            KafkaSourceOptions options, EventHubsConnectionString connectionString, Secrets secrets) {
        return connection(
                options.bootstrapServers(),
                options.security(),
                connectionString,
                options.truststore(),
                secrets);
    }

    /**
     * {@link #connection} plus, for Event Hubs, {@link #EVENT_HUBS_RECOMMENDED}: what an admin
     * client or a producer needs.
     */
    public static Properties client(
            String bootstrapServers,
            Security security,
            EventHubsConnectionString connectionString,
            Truststore truststore) {
        Properties props = new Properties();
        if (security == Security.EVENTHUBS) {
            props.putAll(EVENT_HUBS_RECOMMENDED);
        }
        props.putAll(connection(bootstrapServers, security, connectionString, truststore));
        return props;
    }
}
