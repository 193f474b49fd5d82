package io.deletionwatch.job.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.SearchWhenReady;
import io.deletionwatch.connectors.localstack.ElasticsearchNode;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.source.EventHubsAmqpPublisher;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.pipeline.StreamingJob;
import io.deletionwatch.job.rules.Rules;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The demo on embedded real servers: starts a KRaft Kafka broker (or, with --source"
                    + " amqp, a local Event Hubs endpoint) and an Elasticsearch node, publishes a"
                    + " realistic Activity Log sample (benign traffic and attacks), runs the job from"
                    + " it into Elasticsearch and prints each finding as it arrives.",
            "Ctrl-C stops everything it started. The servers also stop when this process is"
                    + " killed."
        })
final class LocalCommand implements Callable<Integer> {
    static final String TOPIC = "insights-activity-logs";
    static final String BUNDLED_SAMPLE = "/samples/activity-log-demo.ndjson";
    private static final String GROUP = "deletion-watch-local";
    /** Polls (one a second) without a new finding, after every record was committed. */
    private static final int QUIET_POLLS_WHEN_DONE = 10;

    static final Duration DEMO_IDLENESS = Duration.ofSeconds(3);

    @Spec CommandSpec spec;

    @Option(
            names = "--sample",
            paramLabel = "FILE",
            description = "Publish this NDJSON file (one envelope or record per line) instead of the bundled sample.")
    Path sample;

    @Option(
            names = "--source",
            paramLabel = "kafka|amqp",
            defaultValue = "kafka",
            description = "kafka: a local Kafka broker, read as the job reads Event Hubs' Kafka endpoint; amqp: a local Event Hubs endpoint (a test fixture the Event Hubs SDK talks to, no emulator), read as run --source amqp reads Event Hubs (default: ${DEFAULT-VALUE}).")
    RunCommand.Source source;

    @Option(
            names = "--exit-when-done",
            description = "Exit once the sample is processed and its findings are in Elasticsearch (for scripts).")
    boolean exitWhenDone;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "With --exit-when-done: give up (exit 1) after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--rebase-times",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Shift the sample's times so that it ends now (default: ${DEFAULT-VALUE}).")
    boolean rebaseTimes;

    @Mixin DetectionOptions detection;

    private final List<AutoCloseable> started = new ArrayList<>();
    /** Whether a search of the findings has been answered yet (for the time-out's message). */
    private boolean findingsSearchable;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Thread stopper = new Thread(this::stopAll, "deletion-watch-local-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return demo(out);
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private int demo(PrintWriter out) throws Exception {
        List<byte[]> records = DemoSample.load(sample, rebaseTimes);
        out.println(source == RunCommand.Source.amqp
                ? "Starting an Event Hubs test endpoint (AMQP) and an Elasticsearch node (the first run downloads its jars) ..."
                : "Starting a Kafka broker and an Elasticsearch node (the first run downloads their jars) ...");
        out.flush();
        long startNanos = System.nanoTime();
        CompletableFuture<ElasticsearchNode> esStart =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return ElasticsearchNode.start();
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        Transport transport;
        try {
            transport = source == RunCommand.Source.amqp ? AmqpTransport.start() : KafkaTransport.start();
        } catch (IOException e) {
            esStart.thenAccept(node -> closeQuietly(node));
            throw e;
        }
        started.add(transport);
        ElasticsearchNode node;
        try {
            node = esStart.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        started.add(node);
        out.printf(
                "%s, Elasticsearch at %s (pid %d), up in %.1f s%n",
                transport.describe(),
                node.httpUrl(),
                node.pid(),
                (System.nanoTime() - startNanos) / 1e9);

        ElasticsearchSinkOptions elasticsearch =
                ElasticsearchSinkOptions.builder().hosts(node.httpUrl()).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(2_000);
        DetectionConfig config = detection.toConfig();
        if (!spec.commandLine().getParseResult().hasMatchedOption("--idleness")) {
            // A demo topic goes quiet as soon as the sample is in: let event time move on quickly.
            config = config.withIdleness(DEMO_IDLENESS);
        }
        StreamingJob.define(env, transport.input(config), elasticsearch, Rules.all(config), config);
        JobClient job = env.executeAsync("deletion-watch local");
        started.add(0, () -> job.cancel().get());

        long published = transport.publish(records);
        long publishedAt = System.nanoTime();
        out.printf("Published %d Activity Log records to %s. Findings as they arrive:%n", published, transport.destination());
        out.flush();

        String query = node.httpUrl() + "/logs-deletion_watch.findings-*/_search?pretty&sort=@timestamp";
        ElasticsearchClient client = ElasticsearchClients.create(elasticsearch);
        try {
            Set<String> seen = new HashSet<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            int quietPolls = 0;
            boolean caughtUp = false;
            while (true) {
                int before = seen.size();
                for (JsonNode finding : newFindings(client, seen)) {
                    out.printf(
                            "  +%5.1fs  %-8s  %-32s %s%n",
                            (System.nanoTime() - publishedAt) / 1e9,
                            finding.at("/deletion_watch/severity").asText(),
                            finding.at("/rule/id").asText(),
                            finding.at("/message").asText());
                }
                out.flush();
                if (!exitWhenDone) {
                    if (before == 0 && seen.size() > 0) {
                        out.printf("Query them: curl '%s'   (Ctrl-C stops everything)%n", query);
                    }
                } else {
                    caughtUp = caughtUp || transport.caughtUp();
                    quietPolls = caughtUp && seen.size() == before ? quietPolls + 1 : 0;
                    // Once the job has everything (Kafka: offsets committed on a checkpoint,
                    // after the sink flushed) and a few checkpoints pass quietly, every finding is in.
                    if (quietPolls >= QUIET_POLLS_WHEN_DONE) {
                        out.printf("Done: %d findings from %d records. Query them: curl '%s'%n", seen.size(), published, query);
                        return 0;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "the sample was not processed within "
                                        + timeout.toSeconds()
                                        + " s; "
                                        + seen.size()
                                        + " findings so far"
                                        + (findingsSearchable
                                                ? ""
                                                : "; the findings data stream never became searchable"
                                                        + " (not created, or its shard not allocated)"));
                    }
                }
                job.getJobStatus().thenAccept(status -> {
                    if (status.isGloballyTerminalState()) {
                        throw new IllegalStateException("the job ended: " + status);
                    }
                }).get();
                Thread.sleep(1_000); // a person is watching: one poll a second is plenty
            }
        } finally {
            ElasticsearchClients.close(client);
        }
    }

    /**
     * The findings not seen before; none while the data stream's first shard is not allocated yet
     * (a cold node answers 503 then), which the overall --timeout bounds.
     */
    private List<JsonNode> newFindings(ElasticsearchClient client, Set<String> seen) throws IOException {
        Optional<SearchResponse<JsonNode>> response =
                SearchWhenReady.search(
                        client,
                        SearchRequest.of(
                                s -> s.index("logs-deletion_watch.findings-*")
                                        .ignoreUnavailable(true)
                                        .allowNoIndices(true)
                                        .expandWildcards(ExpandWildcard.All)
                                        .size(1000)
                                        .sort(o -> o.field(f -> f.field("event.created")))),
                        JsonNode.class);
        findingsSearchable |= response.isPresent();
        List<JsonNode> fresh = new ArrayList<>();
        for (Hit<JsonNode> hit : response.map(r -> r.hits().hits()).orElse(List.of())) {
            if (seen.add(hit.id())) {
                fresh.add(hit.source());
            }
        }
        return fresh;
    }

    private synchronized void stopAll() {
        for (AutoCloseable closeable : started) {
            closeQuietly(closeable);
        }
        started.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("deletion-watch local: while stopping: " + e.getMessage());
        }
    }

    /** Where the demo publishes the sample and the job reads it from. */
    private interface Transport extends AutoCloseable {
        /** For the start-up line, e.g. {@code Kafka at 127.0.0.1:9092 (pid 42)}. */
        String describe();

        /** For the "Published" line. */
        String destination();

        StreamingJob.Input input(DetectionConfig config);

        long publish(List<byte[]> records) throws Exception;

        /** Whether the job has been given everything published. */
        boolean caughtUp() throws Exception;
    }

    /** A KRaft broker as a child process; the job reads it as it reads Event Hubs' Kafka endpoint. */
    private static final class KafkaTransport implements Transport {
        private final KafkaBroker broker;
        private Admin admin;

        private KafkaTransport(KafkaBroker broker) {
            this.broker = broker;
        }

        static KafkaTransport start() throws IOException {
            KafkaBroker broker = KafkaBroker.builder().start();
            try {
                broker.createTopic(TOPIC, 2);
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return new KafkaTransport(broker);
        }

        @Override
        public String describe() {
            return String.format("Kafka at %s (pid %d)", broker.plaintextBootstrap(), broker.pid());
        }

        @Override
        public String destination() {
            return "topic " + TOPIC;
        }

        @Override
        public StreamingJob.Input input(DetectionConfig config) {
            return StreamingJob.Input.kafka(
                    KafkaSourceOptions.builder()
                            .bootstrapServers(broker.plaintextBootstrap())
                            .topic(TOPIC)
                            .groupId(GROUP)
                            .security(KafkaSourceOptions.Security.NONE)
                            .startingOffsets(KafkaSourceOptions.StartingOffsets.EARLIEST)
                            .build(),
                    null,
                    config);
        }

        @Override
        public long publish(List<byte[]> records) throws Exception {
            try (TopicPublisher publisher = new TopicPublisher(broker.plaintextClientProperties())) {
                return publisher.publish(TOPIC, records);
            }
        }

        @Override
        public boolean caughtUp() throws Exception {
            if (admin == null) {
                admin = Admin.create(broker.plaintextClientProperties());
            }
            return ConsumerLag.of(admin, GROUP, TOPIC) == 0;
        }

        @Override
        public void close() throws Exception {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
            broker.close();
        }
    }

    /**
     * The wire-level Event Hubs endpoint (in this process; a test fixture, not an emulator): the
     * sample goes in through the Event Hubs SDK's producer, the job reads it with the SDK's
     * receivers, as {@code run --source amqp} reads Event Hubs.
     */
    private static final class AmqpTransport implements Transport {
        private final EventHubsEndpoint endpoint;
        private final Path secretDir;
        private final EventHubsConnectionString connectionString;

        private AmqpTransport(EventHubsEndpoint endpoint, Path secretDir, EventHubsConnectionString connectionString) {
            this.endpoint = endpoint;
            this.secretDir = secretDir;
            this.connectionString = connectionString;
        }

        static AmqpTransport start() throws IOException {
            EventHubsEndpoint endpoint = EventHubsEndpoint.builder().eventHub(TOPIC, 2).start();
            try {
                // The AMQP source reads the connection string where it runs, from a file only
                // this user can read, as a Kubernetes secret would be mounted.
                Path dir = Files.createTempDirectory("deletion-watch-local-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path file = dir.resolve("eventhubs-connection-string");
                Files.writeString(file, endpoint.connectionString());
                return new AmqpTransport(endpoint, dir, EventHubsConnectionString.fromFile(file));
            } catch (IOException | RuntimeException e) {
                endpoint.close();
                throw e;
            }
        }

        @Override
        public String describe() {
            return "Event Hubs test endpoint (AMQP) at " + EventHubsEndpoint.HOST + ":" + endpoint.port();
        }

        @Override
        public String destination() {
            return "event hub " + TOPIC + " over AMQP";
        }

        @Override
        public StreamingJob.Input input(DetectionConfig config) {
            return StreamingJob.Input.amqp(EventHubsAmqpOptions.defaults(TOPIC), connectionString, config);
        }

        @Override
        public long publish(List<byte[]> records) throws Exception {
            long[] acknowledged = new long[1];
            Exception[] failure = new Exception[1];
            try (EventHubsAmqpPublisher publisher =
                    new EventHubsAmqpPublisher(connectionString, TOPIC, Duration.ofSeconds(30),
                            new EventHubsAmqpPublisher.Listener() {
                                @Override
                                public void acknowledged(int messages) {
                                    acknowledged[0] += messages;
                                }

                                @Override
                                public void failed(int messages, Exception cause) {
                                    failure[0] = cause;
                                }
                            })) {
                for (byte[] record : records) {
                    publisher.publish(record);
                }
                publisher.flush();
            }
            if (failure[0] != null) {
                throw new IllegalStateException("publishing the sample failed: " + Cli.message(failure[0]), failure[0]);
            }
            return acknowledged[0];
        }

        @Override
        public boolean caughtUp() {
            return endpoint.deliveredAll(TOPIC, EventHubsAmqpOptions.DEFAULT_CONSUMER_GROUP);
        }

        @Override
        public void close() throws IOException {
            endpoint.close();
            Files.deleteIfExists(secretDir.resolve("eventhubs-connection-string"));
            Files.deleteIfExists(secretDir);
        }
    }

    /** The records to publish: the bundled sample or the user's file, one per line. */
    static final class DemoSample {
        private DemoSample() {}

        static List<byte[]> load(Path file, boolean rebase) throws IOException {
            List<String> lines;
            if (file != null) {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("sample file not found: " + file);
                }
                lines = Files.readAllLines(file);
            } else {
                try (InputStream in = LocalCommand.class.getResourceAsStream(BUNDLED_SAMPLE)) {
                    if (in == null) {
                        throw new IllegalStateException("the bundled sample " + BUNDLED_SAMPLE + " is missing from the jar");
                    }
                    lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
                }
            }
            List<String> nonBlank = lines.stream().filter(l -> !l.isBlank()).toList();
            List<String> shifted = rebase ? SampleTimes.endingNow(nonBlank) : nonBlank;
            return shifted.stream().map(l -> l.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toList();
        }
    }
}
