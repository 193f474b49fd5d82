package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.source.KafkaClientProperties.Secrets;
import io.deletionwatch.connectors.source.KafkaSourceOptions.Security;
import io.deletionwatch.connectors.source.KafkaSourceOptions.Truststore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection every Kafka client of the project uses: consumer, replay's producer, checks. */
class KafkaClientPropertiesTest {
    private static final String CONNECTION_STRING_TEXT =
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5";
    private static final EventHubsConnectionString CONNECTION_STRING =
            EventHubsConnectionString.parse(CONNECTION_STRING_TEXT);

    private static Map<String, String> map(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(n -> map.put(n, properties.getProperty(n)));
        return map;
    }

    @TempDir Path dir;

    private Truststore truststoreWithPasswordFile() throws IOException {
        Path password = Files.writeString(dir.resolve("truststore-password"), "pw\n");
        return new Truststore(Path.of("ca.p12"), Secret.file(password.toString()));
    }

    @Test
    void eventHubsClientsLogInWithTheConnectionStringAtItsNamespace() throws IOException {
        Map<String, String> props =
                map(KafkaClientProperties.client(null, Security.EVENTHUBS, CONNECTION_STRING, truststoreWithPasswordFile()));

        assertThat(props)
                .containsEntry("bootstrap.servers", "contoso.servicebus.windows.net:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", CONNECTION_STRING.jaasConfig())
                .containsEntry("ssl.truststore.location", Path.of("ca.p12").toAbsolutePath().toString())
                .containsEntry("ssl.truststore.password", "pw")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("metadata.max.age.ms", "180000")
                .containsEntry("connections.max.idle.ms", "180000")
                .hasSize(9);
    }

    @Test
    void plainKafkaClientsConnectInPlaintextWithNothingElse() {
        assertThat(map(KafkaClientProperties.client("127.0.0.1:9092", Security.NONE, null, null)))
                .isEqualTo(Map.of("bootstrap.servers", "127.0.0.1:9092", "security.protocol", "PLAINTEXT"));
    }

    @Test
    void refusesWhatDoesNotFitTogether() {
        assertThatThrownBy(() -> KafkaClientProperties.connection(null, Security.EVENTHUBS, null, null))
                .hasMessage("security 'eventhubs' needs the Event Hubs connection string: set EVENTHUBS_CONNECTION_STRING or give a connection string file");
        assertThatThrownBy(() -> KafkaClientProperties.connection("h:1", Security.NONE, CONNECTION_STRING, null))
                .hasMessageStartingWith("an Event Hubs connection string was given but security is 'none'");
        assertThatThrownBy(() -> KafkaClientProperties.connection("h:1", Security.NONE, null, new Truststore(Path.of("t"), null)))
                .hasMessageStartingWith("a truststore is only used with security 'eventhubs'");
        assertThatThrownBy(() -> KafkaClientProperties.connection(null, Security.NONE, null, null))
                .hasMessage("bootstrap servers are required with security 'none'");
    }

    @Test
    void referencedSecretsLeaveOnlyWhereEachSecretIsForTheJobGraph() throws IOException {
        Secret passwordFile = truststoreWithPasswordFile().password();
        EventHubsConnectionString fromEnvironment =
                EventHubsConnectionString.fromEnvironment(
                                Map.of(EventHubsConnectionString.ENVIRONMENT_VARIABLE, CONNECTION_STRING_TEXT))
                        .orElseThrow();
        Map<String, String> props =
                map(KafkaClientProperties.connection(
                        null, Security.EVENTHUBS, fromEnvironment, new Truststore(Path.of("ca.p12"), passwordFile), Secrets.REFERENCED));

        assertThat(props)
                .containsEntry("sasl.jaas.config", "${deletionwatch:eventhubs-jaas:env:EVENTHUBS_CONNECTION_STRING}")
                .containsEntry("ssl.truststore.password", "${deletionwatch:value:" + passwordFile + "}");
        assertThat(props.toString()).doesNotContain("a2V5").doesNotContain("=pw");
        assertThatThrownBy(() -> KafkaClientProperties.connection(null, Security.EVENTHUBS, CONNECTION_STRING, null, Secrets.REFERENCED))
                .hasMessageStartingWith("the Event Hubs connection string must be read from EVENTHUBS_CONNECTION_STRING or a file");
    }
}
