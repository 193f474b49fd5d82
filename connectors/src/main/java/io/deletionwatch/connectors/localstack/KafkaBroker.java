package io.deletionwatch.connectors.localstack;

import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.Jaas;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one JVM) run as a child process
 * from jars fetched from Maven Central, for tests and the local demo.
 *
 * <p>It always has a PLAINTEXT listener on 127.0.0.1. Optionally it also has an {@code EVENTHUBS}
 * listener that behaves like the Event Hubs Kafka endpoint: SASL_SSL with PLAIN, accepting only
 * user {@code $ConnectionString} with one connection-string-shaped password, behind a self-signed
 * certificate for {@code localhost} whose truststore clients get from {@link #truststorePath()}.
 * Like Event Hubs, it never creates topics on the fly: create them with {@link #createTopic}.
 *
 * <p>The child runs under {@link ParentWatchdog}, so it ends with this JVM, even a SIGKILLed one.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final String KAFKA_VERSION = "4.2.2";

    /**
     * Kafka 4.x logs through SLF4J 1.7 to Log4j 2; this is the binding Kafka's own tarball ships.
     */
    static final List<String> ARTIFACTS =
            List.of(
                    "org.apache.kafka:kafka_2.13:" + KAFKA_VERSION,
                    "org.apache.logging.log4j:log4j-slf4j-impl:2.25.5");

    private static final Pattern READY = Pattern.compile("Kafka Server started");
    private static final String EVENTHUBS = "EVENTHUBS";
    private static final int START_ATTEMPTS = 3;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Path workDir;
    private final boolean temporaryWorkDir;
    private final Path lib;
    private final String eventHubsSecret;
    private final SelfSignedTls tls;
    private final String maxHeap;
    private final Duration startTimeout;
    private Ports ports;
    private ServerProcess process;
    private Duration startupTime;

    private record Ports(int plaintext, int controller, int eventHubs) {}

    private KafkaBroker(Builder builder, Path workDir, boolean temporaryWorkDir, Path lib) {
        this.workDir = workDir;
        this.temporaryWorkDir = temporaryWorkDir;
        this.lib = lib;
        this.eventHubsSecret = builder.eventHubsSecret;
        this.tls = eventHubsSecret == null ? null : SelfSignedTls.plan(workDir.resolve("tls"));
        this.maxHeap = builder.maxHeap;
        this.startTimeout = builder.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A fresh connection string of the shape Azure hands out, with a random key, for the {@code
     * EVENTHUBS} listener. Its Endpoint is {@code sb://localhost/}: give clients {@link
     * #eventHubsBootstrap()} as bootstrap servers, since the derived {@code localhost:9093} is not
     * this broker.
     */
    public static String randomConnectionString() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "Endpoint=sb://localhost/;SharedAccessKeyName=RootManageSharedAccessKey;"
                + "SharedAccessKey="
                + Base64.getEncoder().encodeToString(key);
    }

    /** Options of a {@link KafkaBroker}; {@link #start()} starts it. */
    public static final class Builder {
        private Path workDir;
        private String eventHubsSecret;
        private String maxHeap = "512m";
        private Duration startTimeout = Duration.ofMinutes(2);

        private Builder() {}

        /**
         * Keeps configuration, certificates, log ({@code broker.log}) and data ({@code data/})
         * here, and keeps them after {@link #close()}; a folder already holding a formatted {@code
         * data/} is reused with its topics. Default: a temporary folder, deleted on close.
         */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Adds the {@code EVENTHUBS} listener with a random {@link #randomConnectionString()}. */
        public Builder eventHubsListener() {
            return eventHubsListener(randomConnectionString());
        }

        /**
         * Adds the {@code EVENTHUBS} listener, accepting user {@code $ConnectionString} with this
         * connection string as password.
         *
         * @throws IllegalArgumentException when it is not connection-string-shaped
         */
        public Builder eventHubsListener(String connectionString) {
            EventHubsConnectionString.parse(connectionString);
            this.eventHubsSecret = connectionString.strip();
            return this;
        }

        /** The broker JVM's {@code -Xmx}; default {@code 512m}. */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        /** How long start-up may take; default 2 minutes (a busy 2-core machine). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Fetches the jars if needed, formats the storage if new and starts the broker. */
        public KafkaBroker start() throws IOException {
            long begin = System.nanoTime();
            Path lib = MavenArtifacts.resolve("kafka-" + KAFKA_VERSION, ARTIFACTS);
            boolean temporary = workDir == null;
            Path dir =
                    temporary
                            ? Files.createTempDirectory("kafka-broker")
                            : Files.createDirectories(workDir).toAbsolutePath();
            KafkaBroker broker = new KafkaBroker(this, dir, temporary, lib);
            try {
                broker.ports = freePorts();
                broker.writeConfig();
                // keytool and the storage formatter are separate JVMs: run them side by side.
                CompletableFuture<Void> certificates =
                        broker.tls == null
                                ? CompletableFuture.completedFuture(null)
                                : CompletableFuture.runAsync(broker::createCertificates);
                broker.formatIfNew();
                try {
                    certificates.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof UncheckedIOException io) {
                        throw io.getCause();
                    }
                    throw e;
                }
                broker.startWithRetries();
            } catch (IOException | RuntimeException e) {
                broker.close();
                throw e;
            }
            broker.startupTime = Duration.ofNanos(System.nanoTime() - begin);
            return broker;
        }
    }

    private void createCertificates() {
        try {
            tls.create();
            Files.writeString(truststorePasswordFile(), tls.truststorePassword() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startWithRetries() throws IOException {
        for (int attempt = 1; ; attempt++) {
            writeConfig();
            try {
                launch();
                return;
            } catch (IOException e) {
                // Ports are picked free but another process may take one before Kafka binds it.
                boolean portTaken = logMentions("Address already in use");
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
                ports = freePorts();
            }
        }
    }

    private boolean logMentions(String text) {
        try {
            return Files.readString(workDir.resolve("broker.log"), StandardCharsets.UTF_8)
                    .contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ServerProcess.currentJava());
        command.addAll(
                List.of(
                        "-Xms64m",
                        "-Xmx" + maxHeap,
                        "-XX:+UseSerialGC",
                        "-Djava.awt.headless=true",
                        "-Dlog4j2.configurationFile=" + workDir.resolve("log4j2.properties"),
                        "-cp",
                        ParentWatchdog.classpathEntry()
                                + java.io.File.pathSeparator
                                + lib.resolve("*"),
                        ParentWatchdog.class.getName(),
                        "kafka.Kafka",
                        workDir.resolve("server.properties").toString()));
        process =
                ServerProcess.start(
                        "kafka",
                        command,
                        workDir,
                        workDir.resolve("broker.log"),
                        READY,
                        startTimeout);
    }

    /** Formats {@code data/} unless it already holds a formatted log directory. */
    private void formatIfNew() throws IOException {
        if (Files.exists(dataDir().resolve("meta.properties"))) {
            return;
        }
        Path log = workDir.resolve("format.log");
        List<String> command =
                List.of(
                        ServerProcess.currentJava(),
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-cp",
                        lib.resolve("*").toString(),
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        workDir.resolve("server.properties").toString());
        Process format =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        try {
            if (!format.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException(
                        "formatting the Kafka storage failed: " + MavenArtifacts.tail(log, 15));
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while formatting the Kafka storage", e);
        }
    }

    private void writeConfig() throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + ports.controller());
        config.put("controller.listener.names", "CONTROLLER");
        String listeners =
                "PLAINTEXT://127.0.0.1:"
                        + ports.plaintext()
                        + ",CONTROLLER://127.0.0.1:"
                        + ports.controller();
        String advertised = "PLAINTEXT://127.0.0.1:" + ports.plaintext();
        if (tls != null) {
            listeners += "," + EVENTHUBS + "://127.0.0.1:" + ports.eventHubs();
            // The certificate names localhost; clients verify the host they connect to against it.
            advertised += "," + EVENTHUBS + "://localhost:" + ports.eventHubs();
        }
        config.put("listeners", listeners);
        config.put("advertised.listeners", advertised);
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put(
                "listener.security.protocol.map",
                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT," + EVENTHUBS + ":SASL_SSL");
        config.put("log.dirs", dataDir().toString());
        config.put("num.partitions", "1");
        config.put("default.replication.factor", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("share.coordinator.state.topic.num.partitions", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner's 128 MiB default dedupe buffer does not fit a small heap.
        config.put("log.cleaner.dedupe.buffer.size", "2097152");
        // After a SIGKILL the restarted controller refuses the broker's new registration until
        // the old session expires (default 9 s): keep that wait short.
        config.put("broker.heartbeat.interval.ms", "1000");
        config.put("broker.session.timeout.ms", "3000");
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        // Event Hubs creates event hubs in Azure, never on a client's request.
        config.put("auto.create.topics.enable", "false");
        if (tls != null) {
            String prefix = "listener.name." + EVENTHUBS.toLowerCase() + ".";
            config.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
            config.put(
                    prefix + "plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                            + EventHubsConnectionString.KAFKA_USERNAME
                            + "="
                            + Jaas.quoted(eventHubsSecret)
                            + ";");
            config.put(prefix + "ssl.keystore.type", "PKCS12");
            config.put(prefix + "ssl.keystore.location", tls.keystore().toString());
            config.put(prefix + "ssl.keystore.password", tls.keystorePassword());
            config.put(prefix + "ssl.key.password", tls.keystorePassword());
        }
        StringBuilder text =
                new StringBuilder("# written by ").append(KafkaBroker.class.getName()).append('\n');
        // java.util.Properties syntax: only the backslash needs escaping in these values.
        config.forEach(
                (k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path file = workDir.resolve("server.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        restrictToOwner(file);
        Files.writeString(workDir.resolve("log4j2.properties"), LOG4J2, StandardCharsets.UTF_8);
    }

    private static final String LOG4J2 =
            """
            status = warn
            appender.out.type = Console
            appender.out.name = OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = INFO
            rootLogger.appenderRef.out.ref = OUT
            logger.request.name = kafka.request.logger
            logger.request.level = WARN
            logger.state.name = state.change.logger
            logger.state.level = WARN
            """;

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(
                    file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system; the work folder is the user's own anyway
        }
    }

    /**
     * Three distinct ports free right now on 127.0.0.1. The controller quorum needs its port before
     * start-up, so ports cannot be left to the broker (port 0); holding all sockets until all are
     * picked keeps them distinct.
     */
    private static Ports freePorts() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket a = new ServerSocket(0, 1, loopback);
                ServerSocket b = new ServerSocket(0, 1, loopback);
                ServerSocket c = new ServerSocket(0, 1, loopback)) {
            return new Ports(a.getLocalPort(), b.getLocalPort(), c.getLocalPort());
        }
    }

    private Path dataDir() {
        return workDir.resolve("data");
    }

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
    public String plaintextBootstrap() {
        return "127.0.0.1:" + ports.plaintext();
    }

    /** {@code localhost:<port>} of the {@code EVENTHUBS} (SASL_SSL) listener. */
    public String eventHubsBootstrap() {
        requireEventHubs();
        return "localhost:" + ports.eventHubs();
    }

    /** The connection string the {@code EVENTHUBS} listener accepts as password. A secret. */
    public String eventHubsConnectionString() {
        requireEventHubs();
        return eventHubsSecret;
    }

    /** A PKCS12 truststore holding the {@code EVENTHUBS} listener's certificate. */
    public Path truststorePath() {
        requireEventHubs();
        return tls.truststore();
    }

    public String truststorePassword() {
        requireEventHubs();
        return tls.truststorePassword();
    }

    /**
     * A file holding {@link #truststorePassword()} and a line break, as a mounted secret would, for
     * clients that read the password where they run.
     */
    public Path truststorePasswordFile() {
        requireEventHubs();
        return tls.truststore().resolveSibling("client-truststore.password");
    }

    /** Kafka client properties for the PLAINTEXT listener. */
    public Map<String, Object> plaintextClientProperties() {
        return Map.of("bootstrap.servers", plaintextBootstrap());
    }

    /**
     * Kafka client properties for the {@code EVENTHUBS} listener, as a user would set them for
     * Event Hubs, plus this broker's truststore.
     */
    public Map<String, Object> eventHubsClientProperties() {
        requireEventHubs();
        return Map.of(
                "bootstrap.servers", eventHubsBootstrap(),
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config",
                        Jaas.plainLogin(EventHubsConnectionString.KAFKA_USERNAME, eventHubsSecret),
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", tls.truststore().toString(),
                "ssl.truststore.password", tls.truststorePassword());
    }

    private void requireEventHubs() {
        if (eventHubsSecret == null) {
            throw new IllegalStateException(
                    "this broker has no EVENTHUBS listener; build it with eventHubsListener()");
        }
    }

    /**
     * Creates a topic with replication factor 1 and waits until the broker serves all its
     * partitions.
     */
    public void createTopic(String name, int partitions) throws IOException {
        try (Admin admin = Admin.create(plaintextClientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // The controller has committed the topic; wait for the broker's metadata to show it.
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (true) {
                try {
                    TopicDescription description =
                            admin.describeTopics(List.of(name))
                                    .allTopicNames()
                                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                                    .get(name);
                    if (description.partitions().size() == partitions
                            && description.partitions().stream()
                                    .allMatch(p -> p.leader() != null)) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause()
                            instanceof
                            org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("topic " + name + " did not become ready");
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot create topic " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating topic " + name, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The broker's log file. */
    public Path log() {
        return process.log();
    }

    public Path workDir() {
        return workDir;
    }

    /** From {@link Builder#start()} to the broker's "started" line, including fetch and format. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Kills the broker at once (SIGKILL), as a crash would; {@link #restart()} brings it back. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /**
     * Stops the broker if it runs (gracefully) and starts it again on the same ports and data, so
     * clients reconnect to the same bootstrap servers.
     */
    public void restart() throws IOException {
        process.close();
        long begin = System.nanoTime();
        writeConfig();
        launch();
        startupTime = Duration.ofNanos(System.nanoTime() - begin);
    }

    /** Stops the broker (SIGTERM, SIGKILL after 30 s) and deletes a temporary work folder. */
    @Override
    public void close() throws IOException {
        if (process != null) {
            process.close();
        }
        if (temporaryWorkDir) {
            try (Stream<Path> files = Files.walk(workDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[plaintext="
                + (ports == null ? "-" : plaintextBootstrap())
                + (eventHubsSecret == null || ports == null
                        ? ""
                        : ", eventHubs=" + eventHubsBootstrap())
                + ", workDir="
                + workDir
                + "]";
    }
}
