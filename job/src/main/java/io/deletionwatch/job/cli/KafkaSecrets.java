package io.deletionwatch.job.cli;

import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import java.nio.file.Path;
import java.util.Map;

/** Where {@code run} and {@code replay} find the Kafka secrets: never in an option. */
final class KafkaSecrets {
    static final String TRUSTSTORE_PASSWORD = "KAFKA_TRUSTSTORE_PASSWORD";

    private KafkaSecrets() {}

    /**
     * The connection string from {@code file} when given, else from the environment.
     *
     * @param alternative what else the user could do, appended to the error when there is none
     */
    static EventHubsConnectionString connectionString(
            Path file, Map<String, String> env, String alternative) {
        if (file != null) {
            return EventHubsConnectionString.fromFile(file);
        }
        return EventHubsConnectionString.fromEnvironment(env)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "no Event Hubs connection string: set "
                                                + EventHubsConnectionString.ENVIRONMENT_VARIABLE
                                                + " or --eventhubs-connection-string-file"
                                                + alternative));
    }

    /**
     * The truststore password's reference, or null when {@value #TRUSTSTORE_PASSWORD} is unset or
     * empty (Kafka then uses the truststore without checking its integrity).
     */
    static Secret truststorePassword(Map<String, String> env) {
        String password = env.get(TRUSTSTORE_PASSWORD);
        return password == null || password.isEmpty() ? null : Secret.environment(TRUSTSTORE_PASSWORD);
    }
}
