package io.deletionwatch.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.findings.NsgRuleChange;
import io.deletionwatch.job.testing.TestBodies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecurityRulesTest {
    @Test
    void shouldReadAccessDirectionProtocolSourceAndPortsFromARequestBody() {
        NsgRuleChange rule =
                SecurityRules.fromBody(
                        TestBodies.securityRule("Allow", "Inbound", "Tcp", "*", "22", 100), "allow-ssh");

        assertThat(rule)
                .isEqualTo(new NsgRuleChange("allow-ssh", "Allow", "Inbound", "Tcp", "*", "22", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "0.0.0.0/0", "Internet", "INTERNET", "Any", "any", "::/0"})
    void shouldCallAnAllowInboundRuleFromAnySourceOpen(String source) {
        NsgRuleChange rule =
                SecurityRules.fromBody(
                        TestBodies.securityRule("Allow", "Inbound", "*", source, "3389", 100), "r");

        assertThat(rule.opensInboundFromAny()).isTrue();
    }

    @Test
    void shouldNotCallDenyOutboundOrNarrowRulesOpen() {
        assertThat(
                        SecurityRules.fromBody(
                                        TestBodies.securityRule("Deny", "Inbound", "*", "*", "*", 4096), "r")
                                .opensInboundFromAny())
                .isFalse();
        assertThat(
                        SecurityRules.fromBody(
                                        TestBodies.securityRule("Allow", "Outbound", "*", "*", "443", 100), "r")
                                .opensInboundFromAny())
                .isFalse();
        assertThat(
                        SecurityRules.fromBody(
                                        TestBodies.securityRule("Allow", "Inbound", "Tcp", "10.0.0.0/8", "22", 100), "r")
                                .opensInboundFromAny())
                .isFalse();
    }

    @Test
    void shouldReadPluralPrefixesAndPortRangesInAnyLetterCase() {
        String body =
                "{\"Name\":\"web\",\"Properties\":{\"ACCESS\":\"allow\",\"direction\":\"inbound\","
                        + "\"sourceAddressPrefixes\":[\"10.1.0.0/16\",\"Internet\"],"
                        + "\"destinationPortRanges\":[\"80\",\"443\"],\"protocol\":\"Tcp\"}}";

        NsgRuleChange rule = SecurityRules.fromBody(body, "ignored");

        assertThat(rule)
                .isEqualTo(
                        new NsgRuleChange(
                                "web", "allow", "inbound", "Tcp", "10.1.0.0/16,Internet", "80,443", true));
    }

    @Test
    void shouldReadABodyThatWasJsonEncodedTwice() {
        String twice = "\"" + TestBodies.securityRule("Allow", "Inbound", "Tcp", "*", "22", 100).replace("\"", "\\\"") + "\"";

        assertThat(SecurityRules.fromBody(twice, "r").opensInboundFromAny()).isTrue();
    }

    @Test
    void shouldGiveNothingForAbsentEmptyOrUnreadableBodies() {
        assertThat(SecurityRules.fromBody(null, "r")).isNull();
        assertThat(SecurityRules.fromBody("", "r")).isNull();
        assertThat(SecurityRules.fromBody("{}", "r")).isNull();
        assertThat(SecurityRules.fromBody("{\"properties\":{}}", "r")).isNull();
        assertThat(SecurityRules.fromBody("{\"properties\":{\"access\":", "r")).isNull();
        assertThat(SecurityRules.fromBody("[1,2]", "r")).isNull();
    }
}
