package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

class JaasTest {

    @Test
    void quotesAValueAndEscapesBackslashesAndQuotes() {
        assertThat(Jaas.quoted("a;b=c")).isEqualTo("\"a;b=c\"");
        assertThat(Jaas.quoted("back\\slash \"quoted\""))
                .isEqualTo("\"back\\\\slash \\\"quoted\\\"\"");
    }

    @Test
    void plainLoginIsTheLineEventHubsDocumentsWithTheTrailingSemicolon() {
        assertThat(Jaas.plainLogin("$ConnectionString", "Endpoint=sb://x/;SharedAccessKey=k="))
                .isEqualTo(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\"$ConnectionString\""
                                + " password=\"Endpoint=sb://x/;SharedAccessKey=k=\";");
    }

    @Test
    void kafkasOwnParserReadsBackTheExactPassword() {
        String password =
                "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=listen;"
                        + "SharedAccessKey=ab+/c\\d\"e=";

        AppConfigurationEntry entry = parse(Jaas.plainLogin("$ConnectionString", password));

        assertThat(entry.getLoginModuleName())
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
        assertThat(entry.getControlFlag())
                .isEqualTo(AppConfigurationEntry.LoginModuleControlFlag.REQUIRED);
        assertThat(options(entry))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("username", "$ConnectionString", "password", password));
    }

    @Test
    void rejectsControlCharactersWithoutEchoingTheValue() {
        assertThatThrownBy(() -> Jaas.quoted("secret-part\nmore"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "a JAAS value cannot hold control characters (found one at position 11)");
    }

    static Map<String, Object> options(AppConfigurationEntry entry) {
        return new HashMap<>(entry.getOptions());
    }

    static AppConfigurationEntry parse(String jaasConfig) {
        JaasContext context =
                JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaasConfig)));
        assertThat(context.configurationEntries()).hasSize(1);
        return context.configurationEntries().get(0);
    }
}
