package io.deletionwatch.job.cli;

import io.deletionwatch.connectors.source.EventHubsAmqpClients;
import io.deletionwatch.connectors.source.EventHubsAmqpConnectionCheck;
import io.deletionwatch.connectors.source.EventHubsAmqpPublisher;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.KafkaClientProperties;
import io.deletionwatch.connectors.source.KafkaConnectionCheck;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publishes Activity Log files to a Kafka topic, or to an event hub through its Kafka"
                    + " endpoint or over AMQP, as a diagnostic setting would: each message is one"
                    + " envelope {\"records\":[...]}.",
            "Input as for detect: NDJSON lines or one JSON document per file (envelope, record or"
                    + " array); a directory means every file in it. Envelopes are sent as they are,"
                    + " a bare record is wrapped into an envelope of its own, an array gives one"
                    + " message per element, anything else is sent unchanged (the job dead-letters"
                    + " it). The input is held in memory.",
            "Progress goes to standard error every " + ReplayCommand.PROGRESS_SECONDS + " s, then"
                    + " one summary line. Exit 0 when every message was acknowledged (Kafka: acks=all,"
                    + " idempotent producer; AMQP: each batch acknowledged by the service), 1 when any"
                    + " failed, 2 for a usage or connection error.",
            "The Event Hubs connection string comes from EVENTHUBS_CONNECTION_STRING or"
                    + " --eventhubs-connection-string-file, never from an option."
        })
final class ReplayCommand implements Callable<Integer> {
    static final int PROGRESS_SECONDS = 5;
    static final String DEFAULT_TOPIC = "insights-activity-logs";

    enum Target {
        kafka,
        eventhubs,
        amqp
    }

    @Spec CommandSpec spec;

    @Option(
            names = "--input",
            required = true,
            arity = "1..*",
            paramLabel = "PATH",
            description = "Activity Log files or directories to publish.")
    List<Path> inputs;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "kafka|eventhubs|amqp",
            description = "kafka: a plain Kafka broker (--bootstrap-servers); eventhubs: an event hub's Kafka endpoint (SASL_SSL, PLAIN, $ConnectionString); amqp: the event hub over AMQP (the Event Hubs SDK's producer, batches as large as the hub takes; every tier, Basic included).")
    Target to;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers; required with --to kafka (default with --to eventhubs: <namespace>.servicebus.windows.net:9093 from the connection string).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            description = "The topic (event hub) to publish to (default: the connection string's EntityPath, else " + DEFAULT_TOPIC + ").")
    String topic;

    @Option(
            names = "--eventhubs-connection-string-file",
            paramLabel = "FILE",
            description = "Read the Event Hubs connection string from this file instead of EVENTHUBS_CONNECTION_STRING.")
    Path connectionStringFile;

    @Option(
            names = "--kafka-truststore",
            paramLabel = "FILE",
            description = "With --to eventhubs: a PKCS12 truststore for a private CA; its password from KAFKA_TRUSTSTORE_PASSWORD.")
    Path kafkaTruststore;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description = "Kafka records a second (default: as fast as the broker takes them).")
    Double rate;

    @Option(
            names = "--repeat",
            paramLabel = "N",
            defaultValue = "1",
            description = "Publish the input N times over, e.g. for load tests (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(
            names = "--rebase-times",
            negatable = true,
            defaultValue = "false",
            fallbackValue = "true",
            description = "Shift the records' times so that the newest is now, keeping every gap (default: ${DEFAULT-VALUE}).")
    boolean rebaseTimes;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the broker or event hub to answer at start, and for each message (AMQP: each batch) to be acknowledged (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (to == Target.amqp) {
            return publishOverAmqp(err, amqpConnection(System.getenv()));
        }
        Connection connection = connection(System.getenv());
        List<Path> files = InputFiles.expand(inputs);
        ReplayInput input = ReplayInput.load(files, rebaseTimes);
        KafkaConnectionCheck.check(connection.client(), connection.topic(), timeout);

        Tally tally = new Tally((long) input.messages().size() * repeat);
        double seconds;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(connection.client()))) {
            // Rates count from the first send, not from the producer's start-up.
            seconds = tally.sendAll(err, input.messages(), message -> {
                try {
                    producer.send(
                            new ProducerRecord<>(connection.topic(), message),
                            (metadata, exception) -> {
                                if (exception == null) {
                                    tally.progress.acknowledged();
                                } else {
                                    tally.failed(1, exception);
                                }
                            });
                } catch (KafkaException e) {
                    tally.failed(1, e);
                }
            }, producer::flush);
        }
        return summary(err, tally, input, files, "Kafka records",
                "topic " + connection.topic() + " at " + connection.client().getProperty("bootstrap.servers"), seconds);
    }

    /** The one summary line; exit 0 when every message ({@code unit}) was acknowledged, else 1. */
    private int summary(PrintWriter err, Tally tally, ReplayInput input, List<Path> files, String unit, String destination,
            double seconds) {
        long acknowledged = tally.progress.acknowledgedCount();
        long failed = tally.failed.get();
        Exception firstFailure = tally.firstFailure.get();
        err.println(
                String.format(
                        "replay: %d of %d %s acknowledged (%d Activity Log records%s from %d file%s%s) to %s in %.1f s, %.0f/s; %d failed%s",
                        acknowledged,
                        tally.total,
                        unit,
                        input.activityLogRecords() * repeat,
                        input.unusable() == 0 ? "" : ", " + input.unusable() * repeat + " values that are not records sent as they are",
                        files.size(),
                        files.size() == 1 ? "" : "s",
                        repeat == 1 ? "" : ", " + repeat + " times",
                        destination,
                        seconds,
                        seconds > 0 ? acknowledged / seconds : 0.0,
                        failed,
                        firstFailure == null
                                ? ""
                                : " (first: " + Cli.message(firstFailure) + "); " + (tally.total - tally.sent) + " not sent"));
        err.flush();
        return failed == 0 && acknowledged == tally.total ? 0 : 1;
    }

    /** What one replay counts while it sends; the same for Kafka and AMQP. */
    private final class Tally {
        final long total;
        final ReplayProgress progress;
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long sent;

        Tally(long total) {
            this.total = total;
            this.progress = new ReplayProgress(total, System::nanoTime);
        }

        void failed(long messages, Exception cause) {
            failed.addAndGet(messages);
            firstFailure.compareAndSet(null, cause);
        }

        /**
         * Sends the messages {@code --repeat} times at {@code --rate}, with a progress line every
         * {@value #PROGRESS_SECONDS} s, stopping at the first failure; then {@code finish}.
         *
         * @return seconds from the first send to the end of {@code finish}
         */
        double sendAll(PrintWriter err, List<byte[]> messages, java.util.function.Consumer<byte[]> send, Runnable finish)
                throws InterruptedException {
            RatePacer pacer = rate == null ? RatePacer.unlimited() : RatePacer.perSecond(rate);
            long started = System.nanoTime();
            progress.start();
            long nextProgress = started + Duration.ofSeconds(PROGRESS_SECONDS).toNanos();
            sending:
            for (int round = 0; round < repeat; round++) {
                for (byte[] message : messages) {
                    if (firstFailure.get() != null) {
                        break sending; // refused: stop, report what failed
                    }
                    pacer.acquire();
                    send.accept(message);
                    sent++;
                    long now = System.nanoTime();
                    if (now >= nextProgress) {
                        err.println("replay: " + progress.line(failed.get()));
                        err.flush();
                        nextProgress = now + Duration.ofSeconds(PROGRESS_SECONDS).toNanos();
                    }
                }
            }
            finish.run();
            return (System.nanoTime() - started) / 1e9;
        }
    }

    /** An event hub over AMQP: the namespace's connection string and the hub. */
    record AmqpConnection(EventHubsConnectionString connectionString, String hub) {}

    AmqpConnection amqpConnection(Map<String, String> env) {
        checkPacing();
        if (bootstrapServers != null) {
            throw new IllegalArgumentException("--bootstrap-servers is for Kafka; --to amqp connects to the connection string's namespace");
        }
        if (kafkaTruststore != null) {
            throw new IllegalArgumentException("--kafka-truststore is for the Kafka endpoint (--to eventhubs); --to amqp uses the JDK's trusted CAs");
        }
        EventHubsConnectionString connectionString = KafkaSecrets.connectionString(connectionStringFile, env, "");
        return new AmqpConnection(connectionString, hub(connectionString));
    }

    /** The event hub: --topic, else the connection string's EntityPath, else the default. */
    private String hub(EventHubsConnectionString connectionString) {
        return connectionString.eventHub(topic, DEFAULT_TOPIC, "--topic is");
    }

    private int publishOverAmqp(PrintWriter err, AmqpConnection connection) throws Exception {
        List<Path> files = InputFiles.expand(inputs);
        ReplayInput input = ReplayInput.load(files, rebaseTimes);
        EventHubsAmqpConnectionCheck.check(connection.connectionString(), connection.hub(), timeout);

        Tally tally = new Tally((long) input.messages().size() * repeat);
        EventHubsAmqpPublisher.Listener listener = new EventHubsAmqpPublisher.Listener() {
            @Override
            public void acknowledged(int messages) {
                for (int i = 0; i < messages; i++) {
                    tally.progress.acknowledged();
                }
            }

            @Override
            public void failed(int messages, Exception cause) {
                tally.failed(messages, cause);
            }
        };
        double seconds;
        try (EventHubsAmqpPublisher publisher = new EventHubsAmqpPublisher(connection.connectionString(), connection.hub(), timeout, listener)) {
            seconds = tally.sendAll(err, input.messages(), message -> {
                publisher.publish(message);
                // With a rate, each message goes out on its own: batching would hold it back.
                if (rate != null) {
                    publisher.flush();
                }
            }, publisher::flush);
        }
        return summary(err, tally, input, files, "events",
                "event hub " + connection.hub() + " at " + EventHubsAmqpClients.address(connection.connectionString()) + " over AMQP",
                seconds);
    }

    /** Where and how to connect: bootstrap servers, security and topic. */
    record Connection(Properties client, String topic) {}

    private void checkPacing() {
        if (rate != null && !(rate > 0)) {
            throw new IllegalArgumentException("--rate must be more than 0 records a second, got " + rate);
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
    }

    Connection connection(Map<String, String> env) {
        checkPacing();
        if (to == Target.kafka) {
            if (connectionStringFile != null) {
                throw new IllegalArgumentException("--eventhubs-connection-string-file needs --to eventhubs");
            }
            if (kafkaTruststore != null) {
                throw new IllegalArgumentException("--kafka-truststore needs --to eventhubs (plain Kafka has no TLS here)");
            }
            if (bootstrapServers == null) {
                throw new IllegalArgumentException("--bootstrap-servers is required with --to kafka");
            }
            return new Connection(
                    KafkaClientProperties.client(checked(bootstrapServers), KafkaSourceOptions.Security.NONE, null, null),
                    topic != null ? topic : DEFAULT_TOPIC);
        }
        EventHubsConnectionString connectionString =
                KafkaSecrets.connectionString(connectionStringFile, env, "");
        String hub = hub(connectionString);
        KafkaSourceOptions.Truststore truststore =
                kafkaTruststore == null
                        ? null
                        : new KafkaSourceOptions.Truststore(kafkaTruststore, KafkaSecrets.truststorePassword(env));
        return new Connection(
                KafkaClientProperties.client(
                        bootstrapServers == null ? null : checked(bootstrapServers),
                        KafkaSourceOptions.Security.EVENTHUBS,
                        connectionString,
                        truststore),
                hub);
    }

    /** The bootstrap servers, checked as the job checks them (and never echoing a secret). */
    private static String checked(String servers) {
        return KafkaSourceOptions.builder()
                .bootstrapServers(servers)
                .topic(DEFAULT_TOPIC)
                .groupId("replay")
                .security(KafkaSourceOptions.Security.NONE)
                .build()
                .bootstrapServers();
    }

    private Properties producerProperties(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        // Every record on every in-sync replica, retries without duplicates.
        props.setProperty("acks", "all");
        props.setProperty("enable.idempotence", "true");
        // Larger batches than the 16 KB default: an envelope is a few KB, and replays are bulk.
        props.setProperty("linger.ms", "10");
        props.setProperty("batch.size", Integer.toString(256 * 1024));
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.setProperty("max.block.ms", Integer.toString(millis));
        int request = Math.max(1_000, Math.min(30_000, millis - 10));
        props.setProperty("request.timeout.ms", Integer.toString(request));
        props.setProperty("delivery.timeout.ms", Integer.toString(Math.max(millis, request + 10)));
        props.setProperty("key.serializer", ByteArraySerializer.class.getName());
        props.setProperty("value.serializer", ByteArraySerializer.class.getName());
        return props;
    }
}
