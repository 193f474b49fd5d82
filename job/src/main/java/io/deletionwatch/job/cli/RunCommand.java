package io.deletionwatch.job.cli;

import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchConnectionCheck;
import io.deletionwatch.connectors.source.EventHubsAmqpConnectionCheck;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.EventHubsStartingPosition;
import io.deletionwatch.connectors.source.KafkaClientProperties;
import io.deletionwatch.connectors.source.KafkaConnectionCheck;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.pipeline.StreamingJob;
import io.deletionwatch.job.rules.Rules;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the streaming job: the Activity Log from Event Hubs (its Kafka endpoint, or over"
                    + " AMQP with --source amqp) or plain Kafka, through the detections into"
                    + " Elasticsearch.",
            "Also the jar's main class for `flink run`. Options come from the command line, then"
                    + " --config FILE (key = option name without dashes), then DELETION_WATCH_<OPTION>"
                    + " environment variables, then the defaults shown.",
            "Secrets never come from options: the Event Hubs connection string from"
                    + " EVENTHUBS_CONNECTION_STRING or --eventhubs-connection-string-file;"
                    + " Elasticsearch credentials from ES_API_KEY or ES_USERNAME/ES_PASSWORD."
                    + " The job carries only their names and reads them where it runs: on a Flink"
                    + " cluster every TaskManager needs them, and the JobManager the Kafka ones."
        })
final class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of option values.")
    Path config;

    enum Source {
        kafka,
        amqp
    }

    @Option(
            names = "--source",
            paramLabel = "kafka|amqp",
            defaultValue = "kafka",
            description = "kafka: Event Hubs' Kafka endpoint (Standard tier and up) or plain Kafka; amqp: Event Hubs over AMQP with the Event Hubs SDK (every tier, Basic included) (default: ${DEFAULT-VALUE}).")
    Source source;

    @Option(
            names = "--consumer-group",
            paramLabel = "NAME",
            description = "With --source amqp: the event hub's consumer group (default: " + EventHubsAmqpOptions.DEFAULT_CONSUMER_GROUP + "; give each job its own).")
    String consumerGroup;

    @Option(
            names = "--starting-position",
            paramLabel = "WHERE",
            description = "With --source amqp: where a job without state starts: earliest, latest or an ISO time such as 2026-03-01T10:00:00Z (default: earliest).")
    String startingPosition;

    @Option(
            names = "--owner-level",
            paramLabel = "N",
            description = "With --source amqp: read each partition as an epoch receiver of this owner level, so no other reader of the consumer group shares it (default: none).")
    Long ownerLevel;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: <namespace>.servicebus.windows.net:9093 from the connection string).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            description = "The event hub (topic) to read (default: the connection string's EntityPath, else insights-activity-logs).")
    String topic;

    @Option(
            names = "--topic-pattern",
            paramLabel = "REGEX",
            description = "Read every topic matching this instead, e.g. 'insights-.*'.")
    String topicPattern;

    @Option(names = "--group-id", paramLabel = "NAME", defaultValue = "deletion-watch", description = "Kafka consumer group (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(
            names = "--starting-offsets",
            paramLabel = "WHERE",
            defaultValue = "committed-else-earliest",
            description = "Where a job without state starts: committed-else-earliest, committed-else-latest, earliest or latest (default: ${DEFAULT-VALUE}).")
    String startingOffsets;

    @Option(
            names = "--security",
            paramLabel = "MODE",
            defaultValue = "eventhubs",
            description = "eventhubs (SASL_SSL, PLAIN, $ConnectionString) or none (plain Kafka) (default: ${DEFAULT-VALUE}).")
    String security;

    @Option(
            names = "--eventhubs-connection-string-file",
            paramLabel = "FILE",
            description = "Read the Event Hubs connection string from this file instead of EVENTHUBS_CONNECTION_STRING. The job carries only the path: the JobManager and every TaskManager read the file there.")
    Path connectionStringFile;

    @Option(
            names = "--kafka-truststore",
            paramLabel = "FILE",
            description = "A PKCS12 truststore for a private CA; its password from KAFKA_TRUSTSTORE_PASSWORD. Both are read where the job runs: the JobManager and every TaskManager need them.")
    Path kafkaTruststore;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "A further Kafka consumer property; repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--es-url",
            paramLabel = "URL[,URL...]",
            defaultValue = "http://localhost:9200",
            description = "Elasticsearch URLs (default: ${DEFAULT-VALUE}).")
    String esUrl;

    @Option(names = "--es-ca-file", paramLabel = "FILE", description = "PEM CA certificate that signed Elasticsearch's TLS certificate.")
    String esCaFile;

    @Option(
            names = "--findings-data-stream",
            paramLabel = "NAME",
            defaultValue = FindingDocument.DEFAULT_DATA_STREAM,
            description = "Data stream for findings (default: ${DEFAULT-VALUE}).")
    String findingsDataStream;

    @Option(
            names = "--dead-letter-data-stream",
            paramLabel = "NAME",
            defaultValue = DeadLetterDocument.DEFAULT_DATA_STREAM,
            description = "Data stream for dead letters (default: ${DEFAULT-VALUE}).")
    String deadLetterDataStream;

    @Option(
            names = "--install-templates",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Install the index templates at start (default: ${DEFAULT-VALUE}).")
    boolean installTemplates;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Checkpoint interval when the Flink configuration sets none; offsets are committed and findings flushed on each checkpoint (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(
            names = "--check-connections",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Before starting, check within --connect-timeout that Kafka (or, with --source amqp, the event hub) answers, accepts the login and has the topic (and the consumer group), and install the index templates (with --install-templates); fail with one line if not (default: ${DEFAULT-VALUE}).")
    boolean checkConnections;

    @Option(
            names = "--connect-timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long those checks may wait for an answer (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Mixin DetectionOptions detection;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        if (config != null) {
            Set<String> names =
                    spec.options().stream()
                            .map(o -> o.longestName().replaceFirst("^--", ""))
                            .collect(Collectors.toSet());
            Set<String> unknown =
                    ConfigDefaults.from(new String[] {"--config", config.toString()}, Map.of())
                            .unknownKeys(names);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(
                        "unknown keys in " + config + ": " + String.join(", ", unknown));
            }
        }
        if (source == Source.amqp) {
            return runOverAmqp(env);
        }
        refuseAmqpOptions();
        KafkaSourceOptions.Security mode = KafkaSourceOptions.Security.parse(security);
        EventHubsConnectionString connectionString = null;
        if (mode == KafkaSourceOptions.Security.EVENTHUBS) {
            connectionString =
                    KafkaSecrets.connectionString(
                            connectionStringFile, env, ", or use --security none for plain Kafka");
        }
        KafkaSourceOptions.Builder kafka =
                KafkaSourceOptions.builder()
                        .groupId(groupId)
                        .security(mode)
                        .startingOffsets(KafkaSourceOptions.StartingOffsets.parse(startingOffsets))
                        .properties(kafkaProperties);
        if (bootstrapServers != null) {
            kafka.bootstrapServers(bootstrapServers);
        } else if (connectionString != null) {
            kafka.bootstrapServers(connectionString.bootstrapServers());
        } else {
            throw new IllegalArgumentException("--bootstrap-servers is required with --security none");
        }
        if (topicPattern != null) {
            if (topic != null) {
                throw new IllegalArgumentException("give --topic or --topic-pattern, not both");
            }
            kafka.topicPattern(topicPattern);
        } else if (topic != null) {
            kafka.topic(topic);
        } else if (connectionString == null || connectionString.entityPath().isEmpty()) {
            kafka.topic("insights-activity-logs");
        }
        if (kafkaTruststore != null) {
            kafka.truststore(kafkaTruststore, KafkaSecrets.truststorePassword(env));
        }
        KafkaSourceOptions kafkaOptions = kafka.build();
        ElasticsearchSinkOptions elasticsearchOptions = elasticsearchOptions(env);
        DetectionConfig config = detection.toConfig();
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
        checkpointUnlessConfigured(flink, checkpointInterval);
        StreamingJob.bufferTimeoutUnlessConfigured(flink);
        StreamingJob.define(
                flink,
                kafkaOptions,
                connectionString,
                elasticsearchOptions,
                Rules.all(config),
                config);
        // After define(), which checks the options against each other, before anything runs.
        if (checkConnections) {
            checkConnections(kafkaOptions, connectionString, elasticsearchOptions, env);
        }
        flink.execute("deletion-watch");
        return 0;
    }

    private ElasticsearchSinkOptions elasticsearchOptions(Map<String, String> env) {
        ElasticsearchSinkOptions.Builder elasticsearch =
                ElasticsearchSinkOptions.fromEnvironment(env)
                        .hosts(esUrl)
                        .dataStream(findingsDataStream)
                        .deadLetterDataStream(deadLetterDataStream)
                        .installTemplates(installTemplates);
        if (esCaFile != null) {
            elasticsearch.caCertificateFile(esCaFile);
        }
        return elasticsearch.build();
    }

    /** The job over AMQP: the same pipeline and sinks, the Event Hubs SDK's receivers as source. */
    private int runOverAmqp(Map<String, String> env) throws Exception {
        refuseKafkaOptions();
        EventHubsConnectionString connectionString =
                KafkaSecrets.connectionString(connectionStringFile, env, "");
        String hub = connectionString.eventHub(topic, ReplayCommand.DEFAULT_TOPIC, "--topic is");
        EventHubsAmqpOptions amqp =
                EventHubsAmqpOptions.defaults(hub)
                        .withConsumerGroup(consumerGroup != null ? consumerGroup : EventHubsAmqpOptions.DEFAULT_CONSUMER_GROUP)
                        .withStartingPosition(
                                startingPosition == null
                                        ? EventHubsStartingPosition.earliest()
                                        : EventHubsStartingPosition.parse(startingPosition))
                        .withOwnerLevel(ownerLevel);
        ElasticsearchSinkOptions elasticsearchOptions = elasticsearchOptions(env);
        DetectionConfig config = detection.toConfig();
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
        checkpointUnlessConfigured(flink, checkpointInterval);
        StreamingJob.bufferTimeoutUnlessConfigured(flink);
        StreamingJob.define(
                flink,
                StreamingJob.Input.amqp(amqp, connectionString, config),
                elasticsearchOptions,
                Rules.all(config),
                config);
        if (checkConnections) {
            Optional<String> unreachable = checkElasticsearchTrust(elasticsearchOptions, env);
            EventHubsAmqpConnectionCheck.check(
                    connectionString, hub, amqp.consumerGroup(), connectTimeout, CONSUMER_GROUP_PROBE);
            installTemplatesOrWarn(elasticsearchOptions, unreachable);
        }
        flink.execute("deletion-watch");
        return 0;
    }

    /** How long the AMQP check watches a receiver of the consumer group for Event Hubs' refusal. */
    static final Duration CONSUMER_GROUP_PROBE = Duration.ofSeconds(2);

    private void refuseKafkaOptions() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (String option :
                List.of("--bootstrap-servers", "--topic-pattern", "--group-id", "--starting-offsets", "--security",
                        "--kafka-truststore", "--kafka-property")) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " is for the Kafka source; --source amqp reads the connection string's namespace over AMQP");
            }
        }
    }

    private void refuseAmqpOptions() {
        if (consumerGroup != null || startingPosition != null || ownerLevel != null) {
            throw new IllegalArgumentException(
                    "--consumer-group, --starting-position and --owner-level are for --source amqp; the Kafka source has --group-id and --starting-offsets");
        }
    }

    /**
     * Checkpointing, the state backend and the restart strategy come from the Flink configuration
     * the job is submitted with; only when it sets no checkpoint interval does this one apply
     * (the job commits offsets and flushes findings on checkpoints: it must have them).
     *
     * @return whether the fallback interval was applied
     */
    static boolean checkpointUnlessConfigured(StreamExecutionEnvironment flink, Duration fallback) {
        if (flink.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isPresent()) {
            return false;
        }
        flink.enableCheckpointing(fallback.toMillis());
        return true;
    }

    /**
     * Fails fast, with one line, on what the running job would otherwise retry for ever: a broker
     * that does not answer or refuses the login, a missing topic, an unreachable Elasticsearch.
     */
    private void checkConnections(
            KafkaSourceOptions kafka,
            EventHubsConnectionString connectionString,
            ElasticsearchSinkOptions elasticsearch,
            Map<String, String> env) {
        // An untrusted certificate or refused credentials are errors whether or not templates are
        // installed; an unreachable cluster is one only when the templates must be installed now.
        Optional<String> unreachable = checkElasticsearchTrust(elasticsearch, env);
        Properties client = new Properties();
        client.putAll(kafka.properties());
        client.putAll(
                KafkaClientProperties.client(
                        kafka.bootstrapServers(), kafka.security(), connectionString, kafka.truststore()));
        String topic =
                kafka.topicPattern() != null
                        ? null
                        : kafka.topic() != null
                                ? kafka.topic()
                                : connectionString.entityPath().orElseThrow();
        KafkaConnectionCheck.check(client, topic, connectTimeout);
        installTemplatesOrWarn(elasticsearch, unreachable);
    }

    /** Installs the templates now, or says once that the cluster cannot be reached yet. */
    private void installTemplatesOrWarn(ElasticsearchSinkOptions elasticsearch, Optional<String> unreachable) {
        if (elasticsearch.installTemplates()) {
            ElasticsearchConnectionCheck.installTemplates(elasticsearch, connectTimeout);
        } else {
            unreachable.ifPresent(
                    why -> {
                        spec.commandLine()
                                .getErr()
                                .println(
                                        "deletion-watch run: cannot reach Elasticsearch now ("
                                                + why
                                                + "); the job starts and waits for it");
                        spec.commandLine().getErr().flush();
                    });
        }
    }

    /**
     * Connects once, so an untrusted certificate or refused credentials end {@code run} with one
     * line instead of a job that fails over and over.
     *
     * @return why the cluster cannot be reached now, if it cannot
     */
    private static Optional<String> checkElasticsearchTrust(
            ElasticsearchSinkOptions options, Map<String, String> env) {
        try {
            return ElasticsearchClients.checkConnection(options, env);
        } catch (IOException e) {
            // No cause: the command line prints the deepest cause's message, and this one is it.
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
