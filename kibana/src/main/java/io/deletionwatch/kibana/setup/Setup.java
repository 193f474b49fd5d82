package io.deletionwatch.kibana.setup;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;

/**
 * {@code deletion-watch setup}: installs, idempotently, the index templates, ILM policy and roles
 * in Elasticsearch and, when a Kibana URL is given, the saved objects, connectors, alert rules and
 * detection rules in Kibana. Says what it did and what it skipped.
 */
public final class Setup {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Setup() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /**
     * Runs setup.
     *
     * @param args the options (see {@link SetupOptions#usage()})
     * @param env the environment: credentials and alert channel settings
     * @return {@link #OK}, {@link #FAILED} (a server unreachable or refusing) or {@link #USAGE}
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        SetupOptions options;
        Credentials esCredentials;
        Credentials kibanaCredentials;
        List<AlertChannel> channels;
        try {
            options = SetupOptions.parse(args);
            if (options.help()) {
                out.print(SetupOptions.usage());
                return OK;
            }
            esCredentials = Credentials.fromEnvironment("ES", env).orElse(Credentials.none());
            kibanaCredentials =
                    Credentials.fromEnvironment("KIBANA", env).orElse(esCredentials);
            channels = AlertChannel.fromEnvironment(env);
        } catch (UsageException e) {
            err.println("setup: " + e.getMessage());
            err.println("Run 'deletion-watch setup --help' for the options.");
            return USAGE;
        }

        SetupReport report = new SetupReport(out);
        try {
            HttpClient http = RestClient.httpClient(options.caFile(), options.timeout());
            RestClient es =
                    new RestClient(
                            "Elasticsearch",
                            options.esUrl(),
                            esCredentials,
                            Map.of(),
                            http,
                            options.timeout());
            new ElasticsearchSetup(es, report, options.retentionDays()).run();
            if (options.kibanaUrl().isPresent()) {
                RestClient kibana =
                        new RestClient(
                                "Kibana",
                                options.kibanaUrl().get(),
                                kibanaCredentials,
                                Map.of("kbn-xsrf", "true"),
                                http,
                                options.timeout());
                new KibanaSetup(
                                kibana,
                                report,
                                channels,
                                AlertChannel.emailRecipients(env),
                                options.kibanaPublicUrl().orElseThrow(),
                                options.kibanaSpace(),
                                !options.skipDetectionRules(),
                                options.enableRules())
                        .run();
            } else {
                report.section("Kibana:");
                report.record(
                        "saved objects, connectors, alert rules and detection rules",
                        SetupReport.Outcome.SKIPPED,
                        "no --kibana-url given");
            }
            out.println(report.summary(false));
            return OK;
        } catch (SetupException e) {
            out.println(report.summary(true));
            err.println("setup failed: " + e.getMessage());
            return FAILED;
        }
    }
}
