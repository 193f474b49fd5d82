package io.deletionwatch.connectors.source;

import io.deletionwatch.connectors.elasticsearch.Secret;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * A Kafka {@link ConfigProvider} that reads the source's secrets in the JVM where a Kafka client is
 * made: the enumerator's admin client on the JobManager, the readers' consumers on the
 * TaskManagers. The Kafka source's properties, which travel inside the Flink job (to the
 * TaskManagers, into the HA storage), then hold only a reference such as {@code
 * ${deletionwatch:eventhubs-jaas:env:EVENTHUBS_CONNECTION_STRING}}.
 *
 * <p>Kafka's own providers do not fit: {@code EnvVarConfigProvider} and {@code
 * DirectoryConfigProvider} hand over the raw value, trailing line break included, which a quoted
 * JAAS value cannot hold, and nothing escapes quotes or backslashes in it; {@code
 * FileConfigProvider} reads properties files. This one reads a {@link Secret} (an environment
 * variable, or a file without its final line break) and for the connection string validates it and
 * builds the whole {@code sasl.jaas.config} line with {@link Jaas}.
 *
 * <p>Paths: {@value #EVENTHUBS_JAAS} (the key is the connection string's {@link Secret}, the value
 * the JAAS line) and {@value #VALUE} (the key is a {@link Secret}, the value the secret itself).
 */
public final class SecretConfigProvider implements ConfigProvider {
    /** The alias the source registers this provider under in {@code config.providers}. */
    public static final String ALIAS = "deletionwatch";

    static final String EVENTHUBS_JAAS = "eventhubs-jaas";
    static final String VALUE = "value";

    private final Map<String, String> environment;

    /** Reads this process's environment; Kafka instantiates it by class name. */
    public SecretConfigProvider() {
        this(System.getenv());
    }

    SecretConfigProvider(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The placeholder Kafka replaces with the {@code sasl.jaas.config} line for this secret. */
    static String jaasConfigReference(Secret connectionString) {
        return reference(EVENTHUBS_JAAS, connectionString);
    }

    /** The placeholder Kafka replaces with this secret's value. */
    static String valueReference(Secret secret) {
        return reference(VALUE, secret);
    }

    private static String reference(String path, Secret secret) {
        // Kafka's placeholder syntax ${provider:path:key} ends at the first '}'.
        if (secret.reference().indexOf('}') >= 0) {
            throw new IllegalArgumentException(
                    "the secret reference " + secret + " cannot hold '}'; rename the file");
        }
        return "${" + ALIAS + ":" + path + ":" + secret + "}";
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    /** Nothing is listed: every value must be asked for by its reference. */
    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    /**
     * Reads each secret.
     *
     * @throws ConfigException when one is missing or malformed; the message names the variable or
     *     the file and says where it must be, never the value
     */
    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> data = new HashMap<>();
        for (String key : keys) {
            data.put(key, read(path, key));
        }
        return new ConfigData(data);
    }

    private String read(String path, String key) {
        Secret secret;
        try {
            secret = Secret.parse(key);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        try {
            return switch (path) {
                case EVENTHUBS_JAAS ->
                        EventHubsConnectionString.read(secret, environment).jaasConfig();
                case VALUE -> secret.resolve(environment);
                default ->
                        throw new ConfigException(
                                "unknown path '"
                                        + path
                                        + "' of config provider "
                                        + ALIAS
                                        + "; one of "
                                        + EVENTHUBS_JAAS
                                        + ", "
                                        + VALUE);
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(
                    e.getMessage()
                            + " (the Kafka source reads its secrets where it runs: set the"
                            + " variable, or mount the file, on the JobManager and on every"
                            + " TaskManager)");
        }
    }

    @Override
    public void close() {}
}
