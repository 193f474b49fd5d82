package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.elasticsearch.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretConfigProviderTest {
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    private static final String NAMESPACE =
            "Endpoint=sb://contoso-logs.servicebus.windows.net/;SharedAccessKeyName=listen;"
                    + "SharedAccessKey="
                    + KEY;
    private static final String WHERE =
            " (the Kafka source reads its secrets where it runs: set the variable, or mount the"
                    + " file, on the JobManager and on every TaskManager)";

    @TempDir Path dir;

    /**
     * What the consumers (TaskManagers) and the admin client (JobManager) see: Kafka's own config
     * classes resolve the source's references through the provider. The file ends with a line
     * break, as mounted secrets do, and holds a quote and a backslash, which JAAS must escape.
     */
    @Test
    void kafkaClientsResolveTheSourcesReferencesToTheJaasLineAndThePassword() throws Exception {
        String connectionString = NAMESPACE + ";Comment=a \"quoted\" back\\slash";
        Path secret = Files.writeString(dir.resolve("eventhubs"), connectionString + "\n");
        Path password = Files.writeString(dir.resolve("truststore-password"), "changeit\n");
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .topic("t")
                        .groupId("dw")
                        .truststore(dir.resolve("ca.p12"), Secret.file(password.toString()))
                        .build();
        Map<String, Object> properties =
                asMap(
                        EventHubsSource.consumerProperties(
                                options, EventHubsConnectionString.fromFile(secret)));
        properties.put("key.deserializer", ByteArrayDeserializer.class.getName());
        properties.put("value.deserializer", ByteArrayDeserializer.class.getName());

        ConsumerConfig consumer = new ConsumerConfig(properties);
        AdminClientConfig admin = new AdminClientConfig(properties);

        for (var config : java.util.List.of(consumer, admin)) {
            String jaas = config.getPassword("sasl.jaas.config").value();
            assertThat(jaas).isEqualTo(Jaas.plainLogin("$ConnectionString", connectionString));
            assertThat(JaasTest.options(JaasTest.parse(jaas)))
                    .containsEntry("username", "$ConnectionString")
                    .containsEntry("password", connectionString);
            assertThat(config.getPassword("ssl.truststore.password").value()).isEqualTo("changeit");
        }
    }

    @Test
    void anEnvironmentVariableIsReadFromTheEnvironmentOfTheProcess() {
        SecretConfigProvider provider =
                new SecretConfigProvider(Map.of("EVENTHUBS_CONNECTION_STRING", " " + NAMESPACE + "\n"));

        assertThat(provider.get("eventhubs-jaas", Set.of("env:EVENTHUBS_CONNECTION_STRING")).data())
                .containsExactlyEntriesOf(
                        Map.of(
                                "env:EVENTHUBS_CONNECTION_STRING",
                                Jaas.plainLogin("$ConnectionString", NAMESPACE)));
        assertThat(
                        new SecretConfigProvider(Map.of("KAFKA_TRUSTSTORE_PASSWORD", "changeit"))
                                .get("value", Set.of("env:KAFKA_TRUSTSTORE_PASSWORD"))
                                .data())
                .containsExactlyEntriesOf(Map.of("env:KAFKA_TRUSTSTORE_PASSWORD", "changeit"));
    }

    @Test
    void aMissingSecretNamesTheVariableOrFileAndWhereItMustBe() {
        SecretConfigProvider provider = new SecretConfigProvider(Map.of());
        Path absent = dir.resolve("absent");

        assertThatThrownBy(
                        () -> provider.get("eventhubs-jaas", Set.of("env:EVENTHUBS_CONNECTION_STRING")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "environment variable EVENTHUBS_CONNECTION_STRING is not set in this"
                                + " process"
                                + WHERE);
        assertThatThrownBy(() -> provider.get("value", Set.of("file:" + absent)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("secret file " + absent + " does not exist" + WHERE);
        assertThatThrownBy(() -> provider.get("eventhubs-jaas", Set.of("file:" + absent)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "cannot read the Event Hubs connection string file " + absent + ": ")
                .hasMessageEndingWith(WHERE);
    }

    @Test
    void aMalformedConnectionStringIsNamedButNotEchoed() throws Exception {
        Path file = Files.writeString(dir.resolve("eventhubs"), "SharedAccessKeyName=p;SharedAccessKey=" + KEY);
        SecretConfigProvider provider =
                new SecretConfigProvider(Map.of("EVENTHUBS_CONNECTION_STRING", "SharedAccessKey=" + KEY));

        assertThatThrownBy(() -> provider.get("eventhubs-jaas", Set.of("file:" + file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "file " + file + ": the Event Hubs connection string lacks Endpoint;")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(
                        () -> provider.get("eventhubs-jaas", Set.of("env:EVENTHUBS_CONNECTION_STRING")))
                .hasMessageStartingWith(
                        "environment variable EVENTHUBS_CONNECTION_STRING: the Event Hubs"
                                + " connection string lacks Endpoint, SharedAccessKeyName;")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void unknownPathsAndReferencesAreRefused() {
        SecretConfigProvider provider = new SecretConfigProvider(Map.of("X", "y"));

        assertThatThrownBy(() -> provider.get("raw", Set.of("env:X")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "unknown path 'raw' of config provider deletionwatch; one of"
                                + " eventhubs-jaas, value");
        assertThatThrownBy(() -> provider.get("value", Set.of("X")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("a secret reference is env:NAME or file:PATH, got 'X'");
        assertThat(provider.get("value").data()).isEmpty();
    }

    @Test
    void aFileNameWithAClosingBraceCannotBeReferenced() {
        assertThatThrownBy(
                        () -> SecretConfigProvider.valueReference(Secret.file("/run/secrets/a}b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the secret reference file:/run/secrets/a}b cannot hold '}'; rename the"
                                + " file");
    }

    /** Kafka refuses providers that the JVM property does not list, when it is set. */
    @Test
    void kafkaRefusesOurProviderInAJvmThatDoesNotAllowIt() throws Exception {
        Path secret = Files.writeString(dir.resolve("eventhubs"), NAMESPACE);
        Map<String, Object> properties =
                asMap(
                        EventHubsSource.consumerProperties(
                                KafkaSourceOptions.builder().topic("t").groupId("dw").build(),
                                EventHubsConnectionString.fromFile(secret)));
        String property = "org.apache.kafka.automatic.config.providers";
        String before = System.getProperty(property);
        try {
            System.setProperty(property, "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            assertThatThrownBy(() -> new AdminClientConfig(properties))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(SecretConfigProvider.class.getName() + " is not allowed");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    private static Map<String, Object> asMap(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}
