package io.deletionwatch.job.security;

import static io.deletionwatch.job.testing.ActivityRecords.BEGINNING;
import static io.deletionwatch.job.testing.ActivityRecords.nsgId;
import static io.deletionwatch.job.testing.ActivityRecords.record;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.elasticsearch.Credentials;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.localstack.TlsAuthProxy;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import io.deletionwatch.connectors.testing.CapturedLogs;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.cli.Cli;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.pipeline.StreamingJob;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.job.testing.ActivityRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the job with known secrets, used for real (the broker checks the Event Hubs connection
 * string, the TLS proxy in front of Elasticsearch the password and the API key), and scans everything it
 * printed and wrote for them: logs, standard output and error, exception messages, the job's
 * configuration and plan as Flink's REST API shows them, the serialized job graph the JobManager
 * keeps and ships, checkpoints, {@code --help}. The job in this JVM reads the connection string
 * and the truststore password from files, {@code run} in a child JVM from the environment.
 */
class SecretsNeverPrintedITCase {
    private static final String SHARED_ACCESS_KEY = "Kn0wnSasKey+for/SecretsNeverPrinted0123456789=";
    private static final String CONNECTION_STRING =
            "Endpoint=sb://localhost/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey="
                    + SHARED_ACCESS_KEY;
    private static final String ES_PASSWORD = "Kn0wn-es-Pa55word-9c41";
    private static final String API_KEY_ID = "kn0wnApiKeyId";
    private static final String API_KEY_SECRET = "kn0wn-api-key-secret-5d2e";
    private static final String API_KEY =
            Base64.getEncoder().encodeToString((API_KEY_ID + ":" + API_KEY_SECRET).getBytes(UTF_8));
    private static final String WRONG_PASSWORD = "Wr0ng-es-Pa55word-1b77";
    private static final String WRONG_API_KEY =
            Base64.getEncoder().encodeToString((API_KEY_ID + ":wr0ng-api-key-3e8f").getBytes(UTF_8));

    /** Every form a secret could leak in: raw, its parts, and base64 as in HTTP headers. */
    private static final List<String> FORBIDDEN =
            List.of(
                    CONNECTION_STRING,
                    SHARED_ACCESS_KEY,
                    ES_PASSWORD,
                    base64(TlsAuthProxy.USER + ":" + ES_PASSWORD),
                    API_KEY,
                    API_KEY_SECRET,
                    WRONG_PASSWORD,
                    base64(TlsAuthProxy.USER + ":" + WRONG_PASSWORD),
                    WRONG_API_KEY,
                    "wr0ng-api-key-3e8f");

    private static final String NSG_DELETE = "Microsoft.Network/networkSecurityGroups/delete";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(CONNECTION_STRING);

    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path dir;
    private static TlsAuthProxy proxy;

    @BeforeAll
    static void startProxy() throws IOException {
        proxy = TlsAuthProxy.start(ES.url(), ES_PASSWORD, API_KEY);
    }

    @AfterAll
    static void stopProxy() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aRunningJobShowsItsSecretsNowhere(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("secrets", 2);
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        String group = "it-" + namespace;
        String findings = "logs-deletion_watch.findings-" + namespace;
        Path passwordFile = Files.writeString(dir.resolve("es-password"), ES_PASSWORD);
        Path connectionStringFile =
                Files.writeString(dir.resolve("eventhubs-connection-string"), CONNECTION_STRING + "\n");
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        Map<String, String> seen = new LinkedHashMap<>();

        try (CapturedLogs logs = new CapturedLogs();
                ConsoleCapture console = ConsoleCapture.start()) {
            Configuration configuration = new Configuration();
            configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(configuration);
            env.setParallelism(2);
            env.enableCheckpointing(300);
            StreamingJob.define(
                    env,
                    KafkaSourceOptions.builder()
                            .bootstrapServers(broker.eventHubsBootstrap())
                            .topic(topic)
                            .groupId(group)
                            .startingOffsets(KafkaSourceOptions.StartingOffsets.EARLIEST)
                            .security(KafkaSourceOptions.Security.EVENTHUBS)
                            .truststore(
                                    broker.truststorePath(),
                                    Secret.file(broker.truststorePasswordFile().toString()))
                            .build(),
                    EventHubsConnectionString.fromFile(connectionStringFile),
                    ElasticsearchSinkOptions.builder()
                            .hosts(proxy.url())
                            .caCertificateFile(proxy.caFile().toString())
                            .credentials(
                                    new Credentials.Basic(
                                            TlsAuthProxy.USER,
                                            Secret.file(passwordFile.toString())))
                            .dataStream(findings)
                            .deadLetterDataStream("logs-deletion_watch.deadletter-" + namespace)
                            .build(),
                    Rules.all(),
                    DetectionConfig.defaults());
            seen.put("the environment's configuration", env.getConfiguration().toMap().toString());
            seen.put("the global job parameters", env.getConfig().getGlobalJobParameters().toMap().toString());
            seen.put("the execution plan", env.getExecutionPlan());
            JobGraph jobGraph = env.getStreamGraph(false).getJobGraph();
            String serialized =
                    new String(
                            InstantiationUtil.serializeObject(jobGraph),
                            java.nio.charset.StandardCharsets.ISO_8859_1);
            // The scan sees the source's properties: the reference is there, the secret is not.
            assertThat(serialized)
                    .contains("${deletionwatch:eventhubs-jaas:file:" + connectionStringFile.toAbsolutePath() + "}");
            seen.put("the serialized job graph", serialized);
            JobClient job = env.executeAsync("secrets-never-printed");
            try {
                publish(broker, topic, 3);
                Eventually.await(
                        "three findings through the TLS proxy", Duration.ofMinutes(3), () -> count(findings) == 3);
                try (Admin admin = Admin.create(broker.eventHubsClientProperties())) {
                    Eventually.await(
                            "a checkpoint with every record",
                            Duration.ofMinutes(2),
                            () -> ConsumerLag.of(admin, group, topic) == 0);
                }
                String rest = cluster.getWebInterfaceURL();
                String id = job.getJobID().toHexString();
                for (String path :
                        List.of(
                                "/jobs/" + id,
                                "/jobs/" + id + "/config",
                                "/jobs/" + id + "/plan",
                                "/jobs/" + id + "/exceptions",
                                "/jobs/" + id + "/checkpoints",
                                "/jobs/" + id + "/checkpoints/config",
                                "/jobmanager/config",
                                "/jobmanager/environment",
                                "/taskmanagers")) {
                    String body = get(rest + path);
                    assertThat(body).as(path).isNotBlank();
                    seen.put("REST " + path, body);
                }
                seen.put("REST /jobs/<id>/vertices/*", vertices(rest, id));
            } finally {
                job.cancel().get();
            }
            seen.put("the logs", logs.text());
            seen.put("standard output and error", console.text());
        }
        seen.put("the checkpoint files", contentsOf(checkpoints));

        assertThat(seen.get("the logs")).as("the job logged while running").contains("index templates");
        assertThat(seen.get("REST /jobs/" + "<id>/vertices/*")).contains("Event Hubs Activity Log");
        assertNoSecretIn(seen);
    }

    @Test
    void runSaysWhichCredentialWasRefusedInOneLineWithoutTheSecret() throws Exception {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("EVENTHUBS_CONNECTION_STRING", CONNECTION_STRING);
        environment.put("ES_USERNAME", TlsAuthProxy.USER);
        environment.put("ES_PASSWORD", WRONG_PASSWORD);
        List<String> arguments = new ArrayList<>(runArguments());
        // Elasticsearch is checked before the job starts: Kafka is never reached.
        arguments.addAll(List.of("--bootstrap-servers", "127.0.0.1:9"));
        CliProcess password = CliProcess.run(environment, arguments);

        environment.remove("ES_USERNAME");
        environment.remove("ES_PASSWORD");
        environment.put("ES_API_KEY", WRONG_API_KEY);
        CliProcess apiKey = CliProcess.run(environment, arguments);

        assertThat(password.exitCode()).as(password.err()).isEqualTo(2);
        assertThat(password.err())
                .isEqualTo(
                        "deletion-watch run: Elasticsearch at ["
                                + proxy.url()
                                + "] refused the credentials (user "
                                + TlsAuthProxy.USER
                                + ", password from env:ES_PASSWORD): status 401:"
                                + " security_exception: "
                                + TlsAuthProxy.UNAUTHENTICATED
                                + "\n");
        assertThat(apiKey.exitCode()).as(apiKey.err()).isEqualTo(2);
        assertThat(apiKey.err())
                .isEqualTo(
                        "deletion-watch run: Elasticsearch at ["
                                + proxy.url()
                                + "] refused the credentials (the API key from env:ES_API_KEY):"
                                + " status 401: security_exception: "
                                + TlsAuthProxy.UNAUTHENTICATED
                                + "\n");
        Map<String, String> seen = new LinkedHashMap<>();
        seen.putAll(password.everything("run with a wrong password"));
        seen.putAll(apiKey.everything("run with a wrong API key"));
        assertNoSecretIn(seen);
    }

    @Test
    void runWithTheRightSecretsPrintsAndLogsNoneOfThem() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("secrets-run", 1);
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        String findings = "logs-deletion_watch.findings-" + namespace;
        publish(broker, topic, 2);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("EVENTHUBS_CONNECTION_STRING", CONNECTION_STRING);
        environment.put("ES_API_KEY", API_KEY);
        environment.put("KAFKA_TRUSTSTORE_PASSWORD", broker.truststorePassword());
        List<String> arguments = new ArrayList<>(runArguments());
        arguments.addAll(
                List.of(
                        "--bootstrap-servers", broker.eventHubsBootstrap(),
                        "--topic", topic,
                        "--kafka-truststore", broker.truststorePath().toString(),
                        "--findings-data-stream", findings,
                        "--dead-letter-data-stream", "logs-deletion_watch.deadletter-" + namespace,
                        "--checkpoint-interval", "1s"));
        CliProcess run =
                CliProcess.runUntil(
                        environment,
                        arguments,
                        () -> count(findings) == 2,
                        Duration.ofMinutes(3));

        assertThat(ES.count(findings)).isEqualTo(2);
        assertThat(run.logs()).as("the job's log file").isNotEmpty();
        assertNoSecretIn(run.everything("run with the right secrets"));
    }

    @Test
    void helpOfEveryCommandHoldsNoSecret() throws Exception {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("EVENTHUBS_CONNECTION_STRING", CONNECTION_STRING);
        environment.put("ES_USERNAME", TlsAuthProxy.USER);
        environment.put("ES_PASSWORD", ES_PASSWORD);
        Map<String, String> seen = new LinkedHashMap<>();
        for (List<String> help :
                List.of(
                        List.of("--help"),
                        List.of("run", "--help"),
                        List.of("detect", "--help"),
                        List.of("local", "--help"),
                        List.of("setup", "--help"))) {
            CliProcess process = CliProcess.run(environment, help);
            assertThat(process.exitCode()).as(process.err()).isZero();
            assertThat(process.out()).as(help.toString()).contains("Usage: deletion-watch");
            seen.putAll(process.everything(String.join(" ", help)));
        }
        assertNoSecretIn(seen);
    }

    private static List<String> runArguments() {
        return List.of(
                "run",
                "--es-url",
                proxy.url(),
                "--es-ca-file",
                proxy.caFile().toString());
    }

    /** The documents in a data stream; 0 while its first shard is still being allocated. */
    private static long count(String dataStream) {
        try {
            return ES.count(dataStream);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static void assertNoSecretIn(Map<String, String> seen) {
        assertThat(seen).isNotEmpty();
        List<String> forbidden = new ArrayList<>(FORBIDDEN);
        forbidden.add(KAFKA.broker().truststorePassword());
        for (Map.Entry<String, String> place : seen.entrySet()) {
            for (String secret : forbidden) {
                assertThat(place.getValue())
                        .as("%s must not hold a secret", place.getKey())
                        .doesNotContain(secret);
            }
        }
    }

    private static void publish(KafkaBroker broker, String topic, int deletes) throws Exception {
        List<ProducerRecord<byte[], byte[]>> values = new ArrayList<>();
        for (int n = 0; n < deletes; n++) {
            String nsg = nsgId("rg-prod", "nsg-secret-" + n);
            values.add(
                    new ProducerRecord<>(
                            topic,
                            ActivityRecords.envelope(
                                            0,
                                            record(NSG_DELETE, nsg, "Success", "corr-s" + n, BEGINNING.plusSeconds(n)))
                                    .valueText()
                                    .getBytes(UTF_8)));
        }
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(values);
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    /** Every vertex's details and its subtasks' accumulators. */
    private static String vertices(String rest, String id) throws Exception {
        String job = get(rest + "/jobs/" + id);
        StringBuilder all = new StringBuilder();
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(job);
        for (var vertex : tree.path("vertices")) {
            String path = rest + "/jobs/" + id + "/vertices/" + vertex.path("id").asText();
            all.append(get(path)).append(get(path + "/accumulators"));
        }
        return all.toString();
    }

    /** All files under {@code root}, bytes read as ISO-8859-1 so any ASCII secret is found. */
    private static String contentsOf(Path root) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(file).append('\n');
                all.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
    }

    /** What this JVM prints, copied while still printed. */
    private static final class ConsoleCapture implements AutoCloseable {
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        static ConsoleCapture start() {
            ConsoleCapture capture = new ConsoleCapture();
            System.setOut(new PrintStream(capture.tee(capture.out), true, UTF_8));
            System.setErr(new PrintStream(capture.tee(capture.err), true, UTF_8));
            return capture;
        }

        private OutputStream tee(PrintStream original) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (copy) {
                        copy.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    original.write(b, off, len);
                    synchronized (copy) {
                        copy.write(b, off, len);
                    }
                }
            };
        }

        String text() {
            synchronized (copy) {
                return copy.toString(UTF_8);
            }
        }

        @Override
        public void close() {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * {@code bin/deletion-watch} as a child JVM with the given environment and the shipped log
     * configuration, logging into a directory of its own.
     */
    private record CliProcess(int exitCode, String out, String err, Path logDir) {
        static CliProcess run(Map<String, String> environment, List<String> arguments) throws Exception {
            return runUntil(environment, arguments, null, Duration.ofMinutes(2));
        }

        /** Runs until it exits, or until {@code done} holds, then stops it. */
        static CliProcess runUntil(
                Map<String, String> environment,
                List<String> arguments,
                java.util.concurrent.Callable<Boolean> done,
                Duration timeout)
                throws Exception {
            Path work = Files.createTempDirectory(dir, "cli-");
            Path logDir = Files.createDirectories(work.resolve("logs"));
            Path out = work.resolve("stdout");
            Path err = work.resolve("stderr");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(
                    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                            .filter(a -> a.startsWith("--add-opens"))
                            .toList());
            command.add("-Dlog4j.configurationFile=" + Path.of("..", "bin", "log4j2.properties").toAbsolutePath());
            command.add("-Ddeletion_watch.log_dir=" + logDir);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName()));
            command.addAll(arguments);
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try {
                if (done == null) {
                    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                            .as("%s to exit", arguments)
                            .isTrue();
                } else {
                    Eventually.await(
                            arguments.get(0) + " to finish its work",
                            timeout,
                            () -> {
                                assertThat(process.isAlive())
                                        .as("%s exited early: %s", arguments, Files.readString(err))
                                        .isTrue();
                                return done.call();
                            });
                    process.destroy();
                    assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
                }
            } finally {
                process.destroyForcibly();
            }
            return new CliProcess(process.exitValue(), Files.readString(out), Files.readString(err), logDir);
        }

        String logs() throws IOException {
            return contentsOf(logDir);
        }

        Map<String, String> everything(String what) throws IOException {
            return Map.of(
                    what + ": standard output", out,
                    what + ": standard error", err,
                    what + ": log files", logs());
        }
    }
}
