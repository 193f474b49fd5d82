package io.deletionwatch.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.FlinkCluster;
import io.deletionwatch.connectors.localstack.FlinkRestClient;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.DeletionWatchJob;
import io.deletionwatch.job.cli.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the cluster tests share: the cluster configuration, the job's command line as a user gives
 * it to {@code flink run}, the expected findings (what {@code detect}, the file pipeline, makes of
 * the same records), publishing, and waiting for the job to catch up.
 */
final class JobOnCluster {
    /** The shaded jar, built in {@code package} before the ITCases run. */
    static final Path JAR = Path.of("target", "deletion-watch.jar");

    static final String ENTRY_CLASS = DeletionWatchJob.class.getName();
    static final int PARALLELISM = 2;
    static final int PARTITIONS = 2;
    static final Duration STARTUP = Duration.ofMinutes(3);
    static final Duration CATCH_UP = Duration.ofMinutes(4);

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobOnCluster() {}

    /**
     * JobManager + 2 TaskManagers of one slot, checkpoints every second, exponential-delay
     * restarts, fast failure detection; the Event Hubs secret and the truststore password in the
     * processes' environment, as a deployment would set them.
     */
    static FlinkCluster.Builder cluster(KafkaBroker broker, String logName) {
        return cluster(logName)
                .environment(EventHubsConnectionString.ENVIRONMENT_VARIABLE, broker.eventHubsConnectionString())
                .environment("KAFKA_TRUSTSTORE_PASSWORD", broker.truststorePassword());
    }

    /** The same cluster with no Kafka secrets in its environment (a job that reads over AMQP). */
    static FlinkCluster.Builder cluster(String logName) {
        assertThat(JAR).as("the shaded jar (mvn package)").isRegularFile();
        return FlinkCluster.builder()
                .logDir(Path.of("target", "flink-logs", logName))
                .taskManagers(2)
                .slotsPerTaskManager(1)
                .config("execution.checkpointing.interval", "1s")
                .config("restart-strategy.type", "exponential-delay")
                .config("restart-strategy.exponential-delay.initial-backoff", "1s")
                .config("restart-strategy.exponential-delay.max-backoff", "10s")
                .config("heartbeat.interval", "2s")
                .config("heartbeat.timeout", "10s")
                .config("metrics.fetcher.update-interval", "1s");
    }

    /** Where one test's job reads and writes. */
    record Target(String topic, String group, String findings, String deadLetters) {
        static Target fresh(String topic) {
            String namespace = ElasticsearchNodeExtension.uniqueNamespace();
            return new Target(
                    topic,
                    "cluster-" + namespace,
                    "logs-deletion_watch.findings-" + namespace,
                    "logs-deletion_watch.deadletter-" + namespace);
        }
    }

    /** {@code run}'s options, as after {@code flink run deletion-watch.jar}; secrets come by environment. */
    static List<String> args(KafkaBroker broker, String esUrl, Target target) {
        return List.of(
                "--bootstrap-servers", broker.eventHubsBootstrap(),
                "--topic", target.topic(),
                "--group-id", target.group(),
                "--kafka-truststore", broker.truststorePath().toString(),
                "--es-url", esUrl,
                "--findings-data-stream", target.findings(),
                "--dead-letter-data-stream", target.deadLetters());
    }

    /** Uploads the jar and runs it as {@code flink run -p 2 [-s savepoint]} does; returns the job id. */
    static String submit(FlinkRestClient rest, List<String> args, String savepointPath) throws Exception {
        String jarId = rest.uploadJar(JAR);
        String job = rest.runJar(jarId, ENTRY_CLASS, args, PARALLELISM, savepointPath);
        rest.waitUntilRunning(job, STARTUP);
        return job;
    }

    /** What {@code detect} found in the records: finding ids by rule, and its dead letters. */
    record Expected(Set<String> ids, Map<String, Long> byRule, long deadLetters, Map<String, String> described) {}

    static Expected detect(List<String> records, Path dir) throws IOException {
        Path input = Files.write(dir.resolve("input.ndjson"), records, StandardCharsets.UTF_8);
        Path output = dir.resolve("findings.ndjson");
        Path dead = dir.resolve("dead-letters.ndjson");
        int exit =
                Cli.execute(
                        "detect", "--input", input.toString(), "--output", output.toString(),
                        "--dead-letters", dead.toString());
        assertThat(exit).as("detect's exit code").isZero();
        Set<String> ids = new TreeSet<>();
        Map<String, Long> byRule = new TreeMap<>();
        Map<String, String> described = new TreeMap<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            JsonNode finding = JSON.readTree(line);
            if (ids.add(finding.at("/event/id").asText())) {
                byRule.merge(finding.at("/rule/id").asText(), 1L, Long::sum);
                described.put(finding.at("/event/id").asText(), describe(finding));
            }
        }
        long deadLetters = Files.readAllLines(dead, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).count();
        return new Expected(ids, byRule, deadLetters, described);
    }

    private static String describe(JsonNode finding) {
        return finding.at("/rule/id").asText() + " @" + finding.at("/@timestamp").asText() + ": " + finding.at("/message").asText();
    }

    /**
     * Asserts that the data stream holds exactly the expected finding ids, once each; on a
     * difference the message says which rule and incident each missing or extra id is.
     */
    static void assertExactly(ElasticsearchNodeExtension es, String dataStream, Expected expected) {
        List<io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document> docs = es.all(dataStream);
        Set<String> found = docs.stream().map(d -> d.id()).collect(Collectors.toCollection(TreeSet::new));
        List<String> missing = expected.ids().stream().filter(id -> !found.contains(id)).map(expected.described()::get).toList();
        List<String> extra =
                docs.stream().filter(d -> !expected.ids().contains(d.id())).map(d -> describe(d.source())).toList();
        assertThat(found).as("finding ids; missing %s; extra %s", missing, extra).isEqualTo(expected.ids());
        assertThat(docs).as("one document per finding id").hasSameSizeAs(found);
    }

    /**
     * Publishes records {@code from} (inclusive) to {@code to} (exclusive), alternating between the
     * two partitions by position in the whole stream, so both carry the whole time range.
     */
    static void publish(KafkaBroker broker, String topic, List<String> records, int from, int to) throws IOException {
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(new ProducerRecord<>(topic, i % PARTITIONS, null, records.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(batch);
        }
    }

    /** Waits until the group committed every record: all were processed and their findings flushed. */
    static void awaitCommitted(KafkaBroker broker, Target target) throws Exception {
        try (Admin admin = Admin.create(broker.eventHubsClientProperties())) {
            Eventually.await(
                    "the job to commit every record of " + target.topic(),
                    CATCH_UP,
                    () -> ConsumerLag.of(admin, target.group(), target.topic()) == 0);
        }
    }

    /**
     * Waits until every record is committed and the findings data stream holds the expected ids
     * (sequence findings follow once event time passes their last event), then returns the ids.
     */
    static Set<String> awaitFindings(
            KafkaBroker broker, ElasticsearchNodeExtension es, Target target, Set<String> expected) throws Exception {
        awaitCommitted(broker, target);
        try {
            Eventually.await(
                    "the findings data stream to hold every expected finding",
                    Duration.ofSeconds(90),
                    () -> ids(es, target.findings()).containsAll(expected));
        } catch (AssertionError timedOut) {
            // fall through: the set comparison below says what is missing
        }
        return ids(es, target.findings());
    }

    static Set<String> ids(ElasticsearchNodeExtension es, String dataStream) {
        return es.all(dataStream).stream().map(d -> d.id()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The job's {@code activityLog.recordsIn}: Kafka records its sources read since it started. */
    static long recordsRead(FlinkRestClient rest, String job, long atLeast) throws Exception {
        Eventually.await(
                "the job's recordsIn metric to reach " + atLeast,
                Duration.ofMinutes(1),
                () -> rest.sumOfMetric(job, "activityLog.recordsIn").orElse(0.0) >= atLeast);
        return rest.sumOfMetric(job, "activityLog.recordsIn").orElseThrow().longValue();
    }

    /** Cancels the job (if still running) and waits until it is CANCELED, so its slots are free. */
    static void cancel(FlinkRestClient rest, String job) throws Exception {
        String state = rest.jobStatus(job);
        if (state.equals("CANCELED") || state.equals("FINISHED") || state.equals("FAILED")) {
            return;
        }
        rest.cancel(job);
        rest.waitForStatus(job, "CANCELED", Duration.ofMinutes(1));
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
