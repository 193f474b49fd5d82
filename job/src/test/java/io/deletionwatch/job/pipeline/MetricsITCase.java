package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.job.testing.DemoSample;
import io.deletionwatch.job.testing.RecordingMetricReporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.metrics.MetricNames;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's metrics table is the list of metrics the job registers, no more, no less: the job
 * runs from Kafka, and from the Event Hubs test endpoint over AMQP, to Elasticsearch on a
 * MiniCluster with a recording reporter, and the operator metrics that are not Flink's or the
 * Kafka connector's own are compared with the table.
 */
class MetricsITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    /** Operator metrics are reported as {@code op.<groups>.<name>}: the path the README names. */
    private static final String OPERATOR_SCOPE = "op";

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(reporterConfiguration())
                            .build());

    private static Configuration reporterConfiguration() {
        Configuration config = new Configuration();
        config.setString("metrics.reporter.recording.factory.class", RecordingMetricReporter.Factory.class.getName());
        config.set(MetricOptions.SCOPE_NAMING_OPERATOR, OPERATOR_SCOPE);
        return config;
    }

    @Test
    void shouldRegisterExactlyTheMetricsTheReadmeListsReadingKafka() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("metrics", 2);
        String group = "metrics-" + ElasticsearchNodeExtension.uniqueNamespace();
        try (TopicPublisher publisher = new TopicPublisher(broker.plaintextClientProperties())) {
            publisher.publish(topic, sampleAndADeadLetter());
        }
        DetectionConfig config = DetectionConfig.defaults().withIdleness(Duration.ofSeconds(3));
        StreamingJob.Input input =
                StreamingJob.Input.kafka(
                        KafkaSourceOptions.builder()
                                .bootstrapServers(broker.plaintextBootstrap())
                                .topic(topic)
                                .groupId(group)
                                .startingOffsets(KafkaSourceOptions.StartingOffsets.EARLIEST)
                                .security(KafkaSourceOptions.Security.NONE)
                                .build(),
                        null,
                        config);
        try (Admin admin = Admin.create(broker.plaintextClientProperties())) {
            Set<String> ours = runAndRecord(input, config, () -> ConsumerLag.of(admin, group, topic) == 0);
            assertDocumented(ours, false);
        }
    }

    @Test
    void shouldRegisterExactlyTheMetricsTheReadmeListsReadingOverAmqp(@TempDir Path dir) throws Exception {
        String hub = "insights-activity-logs";
        try (EventHubsEndpoint endpoint = EventHubsEndpoint.builder().eventHub(hub, 2).start()) {
            List<byte[]> values = sampleAndADeadLetter();
            endpoint.publish(hub, "0", values.subList(0, values.size() / 2));
            endpoint.publish(hub, "1", values.subList(values.size() / 2, values.size()));
            Path secret = Files.writeString(dir.resolve("eventhubs-connection-string"), endpoint.connectionString());
            DetectionConfig config = DetectionConfig.defaults().withIdleness(Duration.ofSeconds(3));
            StreamingJob.Input input =
                    StreamingJob.Input.amqp(
                            EventHubsAmqpOptions.defaults(hub).withTryTimeout(Duration.ofSeconds(10)),
                            EventHubsConnectionString.fromFile(secret),
                            config);
            // Everything delivered, and the dead letter parsed (its reason counter registers then).
            Set<String> ours = runAndRecord(input, config, () -> endpoint.deliveredAll(hub, EventHubsAmqpOptions.DEFAULT_CONSUMER_GROUP)
                    && RecordingMetricReporter.identifiers().stream().anyMatch(i -> i.endsWith("reason.invalid_json.deadLetters")));
            assertDocumented(ours, true);
        }
    }

    private static List<byte[]> sampleAndADeadLetter() throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (String line : Files.readAllLines(DemoSample.FILE)) {
            if (!line.isBlank()) {
                values.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        values.add("not json".getBytes(StandardCharsets.UTF_8)); // a dead letter, so its reason counter exists
        return values;
    }

    /** Runs the production job from {@code input} until {@code done}; the job's own operator metrics. */
    private static Set<String> runAndRecord(StreamingJob.Input input, DetectionConfig config, Callable<Boolean> done)
            throws Exception {
        RecordingMetricReporter.clear();
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        StreamingJob.define(
                env,
                input,
                ElasticsearchSinkOptions.builder()
                        .hosts(ES.url())
                        .dataStream("logs-deletion_watch.findings-" + namespace)
                        .deadLetterDataStream("logs-deletion_watch.deadletter-" + namespace)
                        .maxInterval(Duration.ofMillis(100))
                        .build(),
                Rules.all(config),
                config);
        JobClient job = env.executeAsync("metrics-it");
        try {
            Eventually.await("the job to read every record", Duration.ofMinutes(2), done);
        } finally {
            job.cancel().get();
        }
        Set<String> ours = new TreeSet<>();
        for (String identifier : RecordingMetricReporter.identifiers()) {
            if (identifier.startsWith(OPERATOR_SCOPE + ".")) {
                String path = identifier.substring(OPERATOR_SCOPE.length() + 1);
                if (!isFlinksOwn(path)) {
                    ours.add(path);
                }
            }
        }
        System.out.println("MetricsITCase: the job's own metrics: " + ours);
        return ours;
    }

    /** Every metric registered is in the table; every row the source registers is registered. */
    private static void assertDocumented(Set<String> ours, boolean amqp) throws Exception {
        List<Row> documented = readmeMetrics();
        assertThat(ours).as("metrics the README's table does not list")
                .allMatch(path -> documented.stream().anyMatch(r -> r.name().matcher(path).matches()));
        assertThat(documented.stream().filter(r -> amqp || !r.amqpOnly()).toList())
                .as("metrics in the README's table the job does not register: %s", ours)
                .allMatch(r -> ours.stream().anyMatch(path -> r.name().matcher(path).matches()));
    }

    /**
     * Flink's operator metrics ({@link MetricNames}), its per-split source watermarks, CEP's late
     * records, and the Kafka connector's groups.
     */
    private static boolean isFlinksOwn(String path) {
        if (path.startsWith("KafkaSourceReader.") || path.startsWith("KafkaConsumer.") || path.startsWith("split.")
                || path.equals("numLateRecordsDropped")) {
            return true;
        }
        for (java.lang.reflect.Field field : MetricNames.class.getFields()) {
            try {
                if (field.getType() == String.class && path.equals(field.get(null))) {
                    return true;
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return false;
    }

    /** A row's metric name; {@code amqpOnly} when its operator cell says "(AMQP source)". */
    record Row(Pattern name, boolean amqpOnly) {}

    /** The backticked names in the first column of the README's "Metrics" table; {@code <x>} is any part. */
    static List<Row> readmeMetrics() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("### Metrics");
        assertThat(start).as("README has a ### Metrics section").isNotNegative();
        List<Row> rows = new ArrayList<>();
        Pattern name = Pattern.compile("`([^`]+)`");
        for (String line : readme.substring(start).lines().skip(1).toList()) {
            if (line.startsWith("#")) {
                break;
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            boolean amqpOnly = cells.length > 2 && cells[2].contains("(AMQP source)");
            Matcher m = name.matcher(cells[1]);
            while (m.find()) {
                rows.add(new Row(Pattern.compile(Pattern.quote(m.group(1)).replaceAll("<[^>]+>", "\\\\E[^.]+\\\\Q")), amqpOnly));
            }
        }
        assertThat(rows).as("metric names in the README's table").isNotEmpty();
        return rows;
    }
}
