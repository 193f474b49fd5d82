package io.deletionwatch.kibana.setup;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The command-line options of {@code deletion-watch setup}. Credentials are not options: they come
 * from the environment only (see {@link Credentials}).
 *
 * @param esUrl the Elasticsearch URL
 * @param kibanaUrl the Kibana URL; empty skips every Kibana step
 * @param kibanaPublicUrl the Kibana URL people open, used in alert links
 * @param kibanaSpace the Kibana space to install into; empty for the default space
 * @param retentionDays days findings and dead letters are kept after rollover (ILM delete phase)
 * @param caFile a PEM file with the CA certificates to trust for HTTPS; empty uses the JDK's
 * @param timeout the time allowed for each HTTP request
 * @param skipDetectionRules leave Elastic Security's detection rules out
 * @param enableRules import the detection rules enabled and exclude the findings from External Alerts
 * @param help print the usage and do nothing else
 */
public record SetupOptions(
        URI esUrl,
        Optional<URI> kibanaUrl,
        Optional<URI> kibanaPublicUrl,
        Optional<String> kibanaSpace,
        int retentionDays,
        Optional<Path> caFile,
        Duration timeout,
        boolean skipDetectionRules,
        boolean enableRules,
        boolean help) {

    public static final String DEFAULT_ES_URL = "http://localhost:9200";
    public static final int DEFAULT_RETENTION_DAYS = 30;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    /** The usage text; every option with its default. */
    public static String usage() {
        return String.join(
                System.lineSeparator(),
                "Usage: deletion-watch setup [options]",
                "",
                "Installs what deletion-watch needs in Elasticsearch (index templates, ILM policy,",
                "roles, a GeoIP pipeline where the nodes can run one) and, with --kibana-url, in",
                "Kibana (data views, dashboards, saved searches, connectors, alert rules, Elastic",
                "Security detection rules). Says what it skipped and why. Safe to run again.",
                "",
                "Options:",
                "  --es-url URL              Elasticsearch URL (default: " + DEFAULT_ES_URL + ")",
                "  --kibana-url URL          Kibana URL (default: none; the Kibana steps are skipped)",
                "  --kibana-public-url URL   Kibana URL used in alert links (default: --kibana-url)",
                "  --kibana-space ID         Kibana space to install into (default: the default space)",
                "  --retention-days N        days findings and dead letters are kept after rollover",
                "                            (default: " + DEFAULT_RETENTION_DAYS + ")",
                "  --ca-file PATH            PEM file of CA certificates to trust for HTTPS",
                "                            (default: the JDK's trusted certificates)",
                "  --timeout-seconds N       time allowed for each HTTP request (default: "
                        + DEFAULT_TIMEOUT_SECONDS + ")",
                "  --skip-detection-rules    do not import the Elastic Security detection rules",
                "                            (default: import them, disabled)",
                "  --enable-rules            import the detection rules enabled, and add an exception",
                "                            for rule.ruleset: deletion-watch to Elastic's External",
                "                            Alerts rule so each finding raises one alert (default:",
                "                            disabled; External Alerts promotes the findings)",
                "  --help                    print this text",
                "",
                "Environment (secrets are read from here only):",
                "  ES_API_KEY, or ES_USERNAME and ES_PASSWORD            Elasticsearch credentials",
                "  KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD",
                "                                    Kibana credentials (default: the Elasticsearch ones)",
                "  Alert channels; each is set up only when configured, the others are reported skipped.",
                "  Any channel can instead name an existing connector with DW_<CHANNEL>_CONNECTOR_ID.",
                "  DW_SLACK_WEBHOOK_URL                                  Slack incoming webhook",
                "  DW_PAGERDUTY_ROUTING_KEY [DW_PAGERDUTY_API_URL]       PagerDuty Events API v2",
                "  DW_SERVICENOW_URL, DW_SERVICENOW_USERNAME, DW_SERVICENOW_PASSWORD",
                "    [DW_SERVICENOW_USES_TABLE_API=true|false (default false)]  ServiceNow ITSM",
                "  DW_EMAIL_TO (comma-separated) with DW_EMAIL_CONNECTOR_ID, or with DW_EMAIL_FROM,",
                "    DW_SMTP_HOST, DW_SMTP_PORT [DW_SMTP_SECURE, DW_SMTP_USERNAME, DW_SMTP_PASSWORD]",
                "  DW_WEBHOOK_URL [DW_WEBHOOK_METHOD=post|put, DW_WEBHOOK_USERNAME,",
                "    DW_WEBHOOK_PASSWORD]                                generic webhook (SMS, Zendesk)",
                "",
                "Exit status: 0 done (skipped steps are listed), 1 a server could not be reached or",
                "refused, 2 wrong options or environment.",
                "");
    }

    static SetupOptions parse(String[] args) throws UsageException {
        URI esUrl = url("--es-url", DEFAULT_ES_URL);
        URI kibanaUrl = null;
        URI kibanaPublicUrl = null;
        String space = null;
        int retentionDays = DEFAULT_RETENTION_DAYS;
        Path caFile = null;
        int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
        boolean skipDetectionRules = false;
        boolean enableRules = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--skip-detection-rules" -> skipDetectionRules = true;
                case "--enable-rules" -> enableRules = true;
                case "--es-url", "--kibana-url", "--kibana-public-url", "--kibana-space",
                        "--retention-days", "--ca-file", "--timeout-seconds" -> {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--es-url" -> esUrl = url(name, value);
                        case "--kibana-url" -> kibanaUrl = url(name, value);
                        case "--kibana-public-url" -> kibanaPublicUrl = url(name, value);
                        case "--kibana-space" -> space = spaceId(value);
                        case "--retention-days" -> retentionDays = positive(name, value);
                        case "--ca-file" -> caFile = Path.of(value);
                        default -> timeoutSeconds = positive(name, value);
                    }
                }
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        if (kibanaPublicUrl != null && kibanaUrl == null) {
            throw new UsageException("--kibana-public-url needs --kibana-url");
        }
        if (space != null && kibanaUrl == null) {
            throw new UsageException("--kibana-space needs --kibana-url");
        }
        if (enableRules && kibanaUrl == null) {
            throw new UsageException("--enable-rules needs --kibana-url");
        }
        if (enableRules && skipDetectionRules) {
            throw new UsageException("--enable-rules and --skip-detection-rules cannot be used together");
        }
        return new SetupOptions(
                esUrl,
                Optional.ofNullable(kibanaUrl),
                Optional.ofNullable(kibanaPublicUrl != null ? kibanaPublicUrl : kibanaUrl),
                Optional.ofNullable(space),
                retentionDays,
                Optional.ofNullable(caFile),
                Duration.ofSeconds(timeoutSeconds),
                skipDetectionRules,
                enableRules,
                help);
    }

    private static URI url(String option, String value) throws UsageException {
        try {
            String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            URI uri = new URI(trimmed);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                    || uri.getHost() == null) {
                throw new UsageException(option + " must be an http:// or https:// URL: " + value);
            }
            if (uri.getUserInfo() != null) {
                throw new UsageException(
                        option + " must not carry credentials; set them in the environment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException(option + " is not a URL: " + value);
        }
    }

    private static int positive(String option, String value) throws UsageException {
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new UsageException(option + " must be at least 1: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number: " + value);
        }
    }

    private static String spaceId(String value) throws UsageException {
        if (!value.matches("[a-z0-9_-]+")) {
            throw new UsageException(
                    "--kibana-space must be a space id (a-z, 0-9, _ and -): " + value);
        }
        return value;
    }
}
