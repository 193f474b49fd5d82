package io.deletionwatch.kibana.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line and environment of {@code setup}, checked before anything is contacted. */
class SetupOptionsTest {
    @Test
    void helpListsEveryOptionWithItsDefault() {
        SetupRun run = SetupRun.of(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        for (String option : new String[] {"--es-url", "--kibana-url", "--kibana-public-url", "--kibana-space",
                "--retention-days", "--ca-file", "--timeout-seconds", "--skip-detection-rules", "--help"}) {
            int at = run.lines().indexOf(run.lines().stream().filter(l -> l.startsWith("  " + option + " "))
                    .findFirst().orElseThrow(() -> new AssertionError(option + " is not listed")));
            if (!option.equals("--help")) {
                // The description, with its default, may wrap onto the next line.
                assertThat(run.lines().get(at) + run.lines().get(at + 1))
                        .as(option).containsPattern("\\(default: [^)]+\\)");
            }
        }
        assertThat(run.out()).contains("(default: http://localhost:9200)", "(default: 30)", "ES_API_KEY",
                "KIBANA_API_KEY", "DW_SLACK_WEBHOOK_URL", "DW_PAGERDUTY_ROUTING_KEY", "DW_SERVICENOW_URL",
                "DW_EMAIL_TO", "DW_WEBHOOK_URL");
    }

    @Test
    void optionsTakeSeparateOrInlineValues() throws UsageException {
        SetupOptions options = SetupOptions.parse(new String[] {
                "--es-url=https://es.example.com:9243/", "--kibana-url", "https://kb.example.com",
                "--retention-days=7", "--kibana-space", "soc"});

        assertThat(options.esUrl().toString()).isEqualTo("https://es.example.com:9243");
        assertThat(options.kibanaUrl()).hasValueSatisfying(u -> assertThat(u.toString()).isEqualTo("https://kb.example.com"));
        assertThat(options.kibanaPublicUrl()).isEqualTo(options.kibanaUrl());
        assertThat(options.retentionDays()).isEqualTo(7);
        assertThat(options.kibanaSpace()).contains("soc");
    }

    @Test
    void defaultsApplyWithoutOptions() throws UsageException {
        SetupOptions options = SetupOptions.parse(new String[0]);

        assertThat(options.esUrl().toString()).isEqualTo("http://localhost:9200");
        assertThat(options.kibanaUrl()).isEmpty();
        assertThat(options.retentionDays()).isEqualTo(30);
        assertThat(options.timeout().toSeconds()).isEqualTo(30);
        assertThat(options.skipDetectionRules()).isFalse();
        assertThat(options.enableRules()).isFalse();
    }

    @Test
    void mistakesAreUsageErrorsWithTheReason() {
        assertUsageError(new String[] {"--bogus"}, Map.of(), "setup: unknown option --bogus");
        assertUsageError(new String[] {"--enable-rules"}, Map.of(), "setup: --enable-rules needs --kibana-url");
        assertUsageError(new String[] {"--kibana-url", "http://kibana:5601", "--enable-rules", "--skip-detection-rules"},
                Map.of(), "setup: --enable-rules and --skip-detection-rules cannot be used together");
        assertUsageError(new String[] {"--retention-days", "0"}, Map.of(), "setup: --retention-days must be at least 1: 0");
        assertUsageError(new String[] {"--es-url", "localhost:9200"}, Map.of(),
                "setup: --es-url must be an http:// or https:// URL: localhost:9200");
        assertUsageError(new String[] {"--es-url", "https://elastic:changeme@es:9200"}, Map.of(),
                "setup: --es-url must not carry credentials; set them in the environment");
        assertUsageError(new String[] {"--kibana-url"}, Map.of(), "setup: --kibana-url needs a value");
        assertUsageError(new String[0], Map.of("ES_USERNAME", "elastic"),
                "setup: ES_USERNAME and ES_PASSWORD must be set together");
        assertUsageError(new String[0], Map.of("DW_SERVICENOW_URL", "https://acme.service-now.com",
                        "DW_SERVICENOW_USERNAME", "svc"),
                "setup: DW_SERVICENOW_URL is set but DW_SERVICENOW_PASSWORD is not");
        assertUsageError(new String[0], Map.of("DW_PAGERDUTY_API_URL", "https://events.pagerduty.com"),
                "setup: DW_PAGERDUTY_API_URL is set but DW_PAGERDUTY_ROUTING_KEY is not");
        assertUsageError(new String[0], Map.of("DW_EMAIL_TO", "soc@example.com"),
                "setup: DW_EMAIL_TO is set: also set DW_EMAIL_CONNECTOR_ID (an existing e-mail connector) or "
                        + "DW_EMAIL_FROM with DW_SMTP_HOST and DW_SMTP_PORT");
    }

    @Test
    void aMissingCaFileFailsWithItsName() {
        SetupRun run = SetupRun.of(Map.of(), "--ca-file", "/nonexistent/ca.pem", "--es-url", "https://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("setup failed: cannot read --ca-file /nonexistent/ca.pem");
    }

    private static void assertUsageError(String[] args, Map<String, String> env, String message) {
        SetupRun run = SetupRun.of(env, args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).contains(message);
        assertThat(run.out()).isEmpty();
    }
}
