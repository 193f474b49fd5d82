package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.elasticsearch.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class EventHubsConnectionStringTest {
    private static final String KEY = "q1w2E3r4T5y6U7i8O9p0AsDfGhJkL+zXcVbNm/12345=";
    private static final String NAMESPACE =
            "Endpoint=sb://contoso-logs.servicebus.windows.net/;"
                    + "SharedAccessKeyName=deletion-watch-listen;SharedAccessKey="
                    + KEY;
    private static final String EVENT_HUB = NAMESPACE + ";EntityPath=insights-activity-logs";

    private static final String EXPECTED =
            "expected Endpoint=sb://<namespace>.servicebus.windows.net/;"
                    + "SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<event hub>]";

    @TempDir Path dir;

    @Test
    void parsesANamespaceConnectionString() {
        EventHubsConnectionString parsed = EventHubsConnectionString.parse(NAMESPACE);

        assertThat(parsed.host()).isEqualTo("contoso-logs.servicebus.windows.net");
        assertThat(parsed.endpoint()).isEqualTo("sb://contoso-logs.servicebus.windows.net/");
        assertThat(parsed.sharedAccessKeyName()).isEqualTo("deletion-watch-listen");
        assertThat(parsed.entityPath()).isEmpty();
    }

    @Test
    void parsesAnEventHubConnectionStringWithItsEntityPath() {
        assertThat(EventHubsConnectionString.parse(EVENT_HUB).entityPath())
                .hasValue("insights-activity-logs");
    }

    @Test
    void derivesTheKafkaEndpointFromTheNamespace() {
        assertThat(EventHubsConnectionString.parse(NAMESPACE).bootstrapServers())
                .isEqualTo("contoso-logs.servicebus.windows.net:9093");
    }

    @Test
    void acceptsATrailingSemicolonSurroundingSpaceAndAnyCaseInKeyNames() {
        String sloppy =
                "  endpoint=SB://Contoso-Logs.servicebus.windows.net ; sharedaccesskeyname=p;"
                        + " SHAREDACCESSKEY="
                        + KEY
                        + ";\n";

        EventHubsConnectionString parsed = EventHubsConnectionString.parse(sloppy);

        assertThat(parsed.host()).isEqualTo("contoso-logs.servicebus.windows.net");
        assertThat(parsed.sharedAccessKeyName()).isEqualTo("p");
    }

    @Test
    void ignoresKeysItDoesNotUse() {
        assertThat(
                        EventHubsConnectionString.parse(NAMESPACE + ";UseDevelopmentEmulator=false")
                                .host())
                .isEqualTo("contoso-logs.servicebus.windows.net");
    }

    @Test
    void theJaasConfigCarriesTheWholeConnectionStringAsPasswordOfUserConnectionString() {
        assertThat(EventHubsConnectionString.parse(EVENT_HUB).jaasConfig())
                .isEqualTo(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\"$ConnectionString\" password=\""
                                + EVENT_HUB
                                + "\";");
        assertThat(
                        JaasTest.options(
                                JaasTest.parse(
                                        EventHubsConnectionString.parse(EVENT_HUB).jaasConfig())))
                .containsEntry("password", EVENT_HUB);
    }

    @Test
    void toStringRedactsTheKey() {
        assertThat(EventHubsConnectionString.parse(EVENT_HUB))
                .hasToString(
                        "EventHubsConnectionString[endpoint=sb://contoso-logs.servicebus.windows.net/,"
                            + " sharedAccessKeyName=deletion-watch-listen,"
                            + " sharedAccessKey=<redacted>, entityPath=insights-activity-logs]");
    }

    @Test
    void equalsComparesTheWholeString() {
        assertThat(EventHubsConnectionString.parse(NAMESPACE))
                .isEqualTo(EventHubsConnectionString.parse(" " + NAMESPACE + " "))
                .isNotEqualTo(EventHubsConnectionString.parse(EVENT_HUB));
    }

    @Test
    void rejectsAnEmptyString() {
        assertRejected("  ", "the Event Hubs connection string is empty");
        assertThatThrownBy(() -> EventHubsConnectionString.parse(null))
                .hasMessage("the Event Hubs connection string is empty");
    }

    @Test
    void namesEveryMissingPart() {
        assertRejected(
                "SharedAccessKey=" + KEY,
                "the Event Hubs connection string lacks Endpoint, SharedAccessKeyName; "
                        + EXPECTED);
        assertRejected(
                "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=p;"
                        + "SharedAccessKey=",
                "the Event Hubs connection string lacks SharedAccessKey; " + EXPECTED);
    }

    @Test
    void rejectsAnEndpointThatIsNotServiceBus() {
        assertRejected(
                NAMESPACE.replace("sb://", "https://"),
                "the Endpoint of the Event Hubs connection string must look like"
                        + " sb://<namespace>.servicebus.windows.net/");
    }

    @Test
    void rejectsAMissingSemicolonThatGluesTheKeyToTheEndpoint() {
        String glued =
                "Endpoint=sb://contoso.servicebus.windows.net/SharedAccessKey="
                        + KEY
                        + ";SharedAccessKeyName=p;SharedAccessKey="
                        + KEY;

        assertRejected(
                glued,
                "the Endpoint of the Event Hubs connection string must look like"
                        + " sb://<namespace>.servicebus.windows.net/");
    }

    @Test
    void rejectsAPartThatIsNotKeyValue() {
        assertRejected(
                NAMESPACE + ";" + KEY.replace("=", ""),
                "part 4 of the Event Hubs connection string is not Key=Value; " + EXPECTED);
    }

    @Test
    void rejectsARepeatedKey() {
        assertRejected(
                NAMESPACE + ";SharedAccessKey=" + KEY,
                "the Event Hubs connection string has SharedAccessKey more than once");
    }

    @Test
    void rejectsAStringWrappedInQuotes() {
        assertRejected(
                "\"" + NAMESPACE + "\"",
                "the Event Hubs connection string is wrapped in quotes; remove them");
    }

    @Test
    void rejectsAnEntityPathThatIsNotAnEventHubName() {
        assertRejected(
                NAMESPACE + ";EntityPath=hub/" + KEY,
                "the EntityPath of the Event Hubs connection string is not an event hub name"
                        + " (letters, digits, '.', '-', '_', at most 256)");
    }

    @Test
    void rejectsALineBreakInside() {
        assertRejected(
                NAMESPACE.replace(";SharedAccessKey=", ";\nSharedAccessKey="),
                "the Event Hubs connection string holds a control character or line break");
    }

    @Test
    void readsTheEnvironmentVariable() {
        assertThat(
                        EventHubsConnectionString.fromEnvironment(
                                Map.of("EVENTHUBS_CONNECTION_STRING", NAMESPACE)))
                .hasValue(EventHubsConnectionString.parse(NAMESPACE));
    }

    @Test
    void anUnsetOrBlankEnvironmentVariableMeansNoConnectionString() {
        assertThat(EventHubsConnectionString.fromEnvironment(Map.of())).isEmpty();
        assertThat(
                        EventHubsConnectionString.fromEnvironment(
                                Map.of("EVENTHUBS_CONNECTION_STRING", " ")))
                .isEmpty();
    }

    @Test
    void anInvalidEnvironmentVariableIsNamedInTheErrorButNotEchoed() {
        String invalid = "SharedAccessKey=" + KEY;

        assertThatThrownBy(
                        () ->
                                EventHubsConnectionString.fromEnvironment(
                                        Map.of("EVENTHUBS_CONNECTION_STRING", invalid)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "environment variable EVENTHUBS_CONNECTION_STRING: the Event Hubs"
                                + " connection string lacks Endpoint, SharedAccessKeyName;")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void readsAFileIgnoringTheFinalLineBreak() throws Exception {
        Path file = dir.resolve("connection-string");
        Files.writeString(file, EVENT_HUB + "\n", StandardCharsets.UTF_8);

        assertThat(EventHubsConnectionString.fromFile(file))
                .isEqualTo(EventHubsConnectionString.parse(EVENT_HUB));
    }

    @Test
    void rememberWhereTheyWereReadSoTheSourceCanReadThemAgainWhereItRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("connection-string"), EVENT_HUB + "\n");

        assertThat(EventHubsConnectionString.fromFile(file).origin())
                .hasValue(Secret.file(file.toAbsolutePath().toString()));
        assertThat(
                        EventHubsConnectionString.fromEnvironment(
                                        Map.of("EVENTHUBS_CONNECTION_STRING", NAMESPACE))
                                .orElseThrow()
                                .origin())
                .hasValue(Secret.environment("EVENTHUBS_CONNECTION_STRING"));
        assertThat(EventHubsConnectionString.parse(NAMESPACE).origin()).isEmpty();
    }

    @Test
    void anInvalidFileIsNamedInTheErrorButItsContentIsNotEchoed() throws Exception {
        Path file = dir.resolve("connection-string");
        Files.writeString(file, "SharedAccessKeyName=p;SharedAccessKey=" + KEY);

        assertThatThrownBy(() -> EventHubsConnectionString.fromFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "file "
                                + file
                                + ": the Event Hubs connection string lacks Endpoint; "
                                + EXPECTED);
    }

    @Test
    void anEmptyFileIsRejected() throws Exception {
        Path file = dir.resolve("connection-string");
        Files.writeString(file, "\n");

        assertThatThrownBy(() -> EventHubsConnectionString.fromFile(file))
                .hasMessage("file " + file + ": the Event Hubs connection string is empty");
    }

    @Test
    void aMissingFileIsNamedInTheError() {
        Path file = dir.resolve("absent");

        assertThatThrownBy(() -> EventHubsConnectionString.fromFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "cannot read the Event Hubs connection string file " + file + ": ");
    }

    private static void assertRejected(String connectionString, String message) {
        assertThatThrownBy(() -> EventHubsConnectionString.parse(connectionString))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message)
                .hasNoCause()
                .hasMessageNotContaining(KEY)
                .hasMessageNotContaining(KEY.replace("=", ""));
    }
}
