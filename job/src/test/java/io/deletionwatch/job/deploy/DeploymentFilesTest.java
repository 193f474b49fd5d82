package io.deletionwatch.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.deletionwatch.job.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml and deploy/kubernetes/flinkdeployment.yaml agree with the README and with the
 * job's own command line. No Docker, Compose or Kubernetes runs here (the tests need nothing the
 * README does not name), so these checks are the file's only validation in the build.
 */
class DeploymentFilesTest {
    static final Path ROOT = Path.of("..");
    static final Path JAR_IN_CONTAINER = Path.of("/opt/deletion-watch/deletion-watch.jar");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode compose;
    static JsonNode flinkDeployment;
    static String readme;

    @BeforeAll
    static void readFiles() throws IOException {
        compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
        flinkDeployment = YAML.readTree(ROOT.resolve("deploy/kubernetes/flinkdeployment.yaml").toFile());
        readme = Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    void composeFileDefinesTheWholePipeline() {
        assertThat(names(compose.path("services")))
                .containsExactlyInAnyOrder(
                        "kafka", "elasticsearch", "kibana", "jobmanager", "taskmanager", "setup", "topic", "submit", "replay");
        assertThat(names(compose.path("volumes"))).contains("flink-data");
    }

    @Test
    void everyServiceTheReadmeListsExistsAndEveryServiceIsListed() {
        Set<String> listed = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (`[a-z-]+`(?:, `[a-z-]+`)*) \\|").matcher(composeSection());
        while (row.find()) {
            Matcher name = Pattern.compile("`([a-z-]+)`").matcher(row.group(1));
            while (name.find()) {
                listed.add(name.group(1));
            }
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(names(compose.path("services")));
    }

    @Test
    void everyImageIsPinnedToAVersion() {
        for (JsonNode service : compose.path("services")) {
            String image = service.path("image").asText();
            String tag = image.substring(image.lastIndexOf('/') + 1);
            assertThat(tag).as(image).contains(":").doesNotEndWith(":latest");
            assertThat(tag.substring(tag.indexOf(':') + 1)).as(image).matches("\\d+\\.\\d+\\.\\d+.*");
        }
        assertThat(image("kafka")).matches("apache/kafka:4\\.\\d+\\.\\d+");
        assertThat(image("elasticsearch")).matches("docker\\.elastic\\.co/elasticsearch/elasticsearch:9\\.\\d+\\.\\d+");
        assertThat(image("kibana"))
                .isEqualTo(image("elasticsearch").replace("elasticsearch/elasticsearch", "kibana/kibana"));
        for (String flink : List.of("jobmanager", "taskmanager", "setup", "submit", "replay")) {
            assertThat(image(flink)).as(flink).matches("flink:2\\.2\\.\\d+-scala_2\\.12-java17");
        }
        assertThat(image("topic")).isEqualTo(image("kafka"));
        assertThat(flinkDeployment.at("/spec/image").asText()).matches(".+:\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void submitServiceRunsTheJarWithOnlyOptionsTheRunCommandAccepts() {
        List<String> command = strings(compose.at("/services/submit/command"));
        assertThat(command.subList(0, 3)).containsExactly("flink", "run", "-d");
        int jar = command.indexOf(JAR_IN_CONTAINER.toString());
        assertThat(jar).isPositive();
        assertThat(strings(compose.at("/services/submit/volumes")))
                .contains("./job/target/deletion-watch.jar:" + JAR_IN_CONTAINER + ":ro");

        List<String> jobArgs = command.subList(jar + 1, command.size());
        assertThat(String.join(" ", jobArgs))
                .contains("--security none --bootstrap-servers kafka:9092 ")
                .contains("--es-url http://elasticsearch:9200");
        assertParsedByRun(jobArgs);
    }

    @Test
    void kubernetesJobArgumentsAreAcceptedByTheRunCommand() {
        assertParsedByRun(strings(flinkDeployment.at("/spec/job/args")));
    }

    @Test
    void setupServiceRunsTheSetupCommandAgainstTheStack() {
        JsonNode setup = compose.at("/services/setup");
        assertThat(strings(setup.path("entrypoint"))).endsWith(Cli.class.getName());
        assertThat(strings(setup.path("command")))
                .containsExactly("setup", "--es-url", "http://elasticsearch:9200", "--kibana-url", "http://kibana:5601",
                        "--enable-rules");
        assertThat(Cli.execute("setup", "--help")).isZero();
    }

    @Test
    void replayPublishesTheBundledSampleToTheTopicTheJobReads() {
        JsonNode replay = compose.at("/services/replay");
        assertThat(strings(replay.path("entrypoint"))).endsWith(Cli.class.getName());
        List<String> command = strings(replay.path("command"));
        assertThat(command)
                .containsExactly("replay", "--input", "/samples/activity-log-demo.ndjson", "--to", "kafka",
                        "--bootstrap-servers", "kafka:9092", "--topic", "insights-activity-logs");
        assertThat(strings(replay.path("volumes")))
                .contains("./job/samples:/samples:ro", "./job/target/deletion-watch.jar:" + JAR_IN_CONTAINER + ":ro");
        assertThat(ROOT.resolve("job/samples/activity-log-demo.ndjson")).isRegularFile();
        assertParsed("replay", command.subList(1, command.size()));

        String topic = String.join(" ", strings(compose.at("/services/topic/command")));
        assertThat(topic).contains("--create --if-not-exists --topic insights-activity-logs");
        List<String> submit = strings(compose.at("/services/submit/command"));
        assertThat(submit.get(submit.indexOf("--topic") + 1)).isEqualTo("insights-activity-logs");
    }

    @Test
    void oneShotServicesWaitForWhatTheyNeedAndLongRunningOnesHaveHealthChecks() {
        for (String server : List.of("kafka", "elasticsearch", "kibana", "jobmanager")) {
            assertThat(compose.at("/services/" + server + "/healthcheck/test").isArray()).as(server).isTrue();
        }
        assertThat(compose.at("/services/submit/depends_on/jobmanager/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/submit/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/submit/depends_on/topic/condition").asText())
                .as("run checks that the topic exists")
                .isEqualTo("service_completed_successfully");
        assertThat(compose.at("/services/submit/depends_on/setup/condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(compose.at("/services/setup/depends_on/kibana/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/replay/depends_on/submit/condition").asText())
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void checkpointsAndSavepointsGoToTheNamedVolume() {
        for (String flink : List.of("jobmanager", "taskmanager")) {
            JsonNode service = compose.at("/services/" + flink);
            assertThat(strings(service.path("volumes"))).as(flink).contains("flink-data:/flink-data");
            assertThat(service.at("/environment/FLINK_PROPERTIES").asText())
                    .contains("execution.checkpointing.dir: file:///flink-data/checkpoints")
                    .contains("execution.checkpointing.savepoint-dir: file:///flink-data/savepoints");
        }
    }

    @Test
    void theJobManagerAndTheTaskManagerGetTheSameEnvironment() {
        JsonNode jobManager = compose.at("/services/jobmanager/environment");
        assertThat(jobManager.isObject()).isTrue();
        assertThat(compose.at("/services/taskmanager/environment")).isEqualTo(jobManager);
    }

    @Test
    void portsTheReadmeMentionsArePublishedOnLoopbackOnly() {
        Set<String> published = new LinkedHashSet<>();
        for (JsonNode service : compose.path("services")) {
            for (String port : strings(service.path("ports"))) {
                assertThat(port).startsWith("127.0.0.1:");
                published.add(port.split(":")[1]);
            }
        }
        Set<String> mentioned = new LinkedHashSet<>();
        Matcher url = Pattern.compile("localhost:(\\d+)").matcher(composeSection());
        while (url.find()) {
            mentioned.add(url.group(1));
        }
        assertThat(mentioned).containsExactlyInAnyOrder("9094", "9200", "5601", "8081");
        assertThat(published).containsExactlyInAnyOrderElementsOf(mentioned);
    }

    @Test
    void flinkDeploymentIsASavepointUpgradedApplicationOnObjectStorage() {
        assertThat(flinkDeployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(flinkDeployment.path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(flinkDeployment.at("/metadata/name").asText()).isEqualTo("deletion-watch");
        JsonNode spec = flinkDeployment.path("spec");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(spec.at("/job/jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/deletion-watch.jar");
        assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(spec.at("/job/parallelism").asInt()).isPositive();
        for (String role : List.of("jobManager", "taskManager")) {
            assertThat(spec.at("/" + role + "/resource/memory").asText()).as(role).matches("\\d+m");
            assertThat(spec.at("/" + role + "/resource/cpu").asDouble()).as(role).isPositive();
        }
        JsonNode config = spec.path("flinkConfiguration");
        assertThat(config.path("execution.checkpointing.dir").asText()).startsWith("s3://");
        assertThat(config.path("execution.checkpointing.savepoint-dir").asText()).startsWith("s3://");
        assertThat(config.path("taskmanager.numberOfTaskSlots").asInt())
                .isEqualTo(spec.at("/job/parallelism").asInt());
    }

    @Test
    void kubernetesSecretsComeFromASecretAndTheReadmeNamesThem() {
        JsonNode container = spec("/spec/podTemplate/spec/containers/0");
        assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
        List<String> fromSecret = new ArrayList<>();
        for (JsonNode env : container.path("env")) {
            if (env.has("valueFrom")) {
                assertThat(env.has("value")).isFalse();
                assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("deletion-watch");
                assertThat(env.at("/valueFrom/secretKeyRef/key").asText()).isNotEmpty();
                fromSecret.add(env.path("name").asText());
            }
        }
        assertThat(fromSecret).containsExactlyInAnyOrder("EVENTHUBS_CONNECTION_STRING", "ES_API_KEY");
        // The job carries only the secrets' names: the JobManager (Kafka's split enumerator) needs
        // them as much as the TaskManagers, so they live in the pod template both share, and
        // neither role has a template of its own.
        assertThat(flinkDeployment.at("/spec/jobManager/podTemplate").isMissingNode()).isTrue();
        assertThat(flinkDeployment.at("/spec/taskManager/podTemplate").isMissingNode()).isTrue();
        String kubernetesSection = readme.substring(readme.indexOf("#### Kubernetes"));
        for (String name : fromSecret) {
            assertThat(kubernetesSection).contains("`" + name + "`");
        }
    }

    /** Parses like `bin/deletion-watch run ARGS` without running: unknown options or bad values throw. */
    private static void assertParsedByRun(List<String> args) {
        assertParsed("run", args);
    }

    /** Parses like `bin/deletion-watch COMMAND ARGS` without running. */
    private static void assertParsed(String command, List<String> args) {
        CommandLine cli = new CommandLine(new Cli());
        cli.setUnmatchedOptionsAllowedAsOptionParameters(false);
        List<String> line = new ArrayList<>(List.of(command));
        line.addAll(args);
        CommandLine.ParseResult[] parsed = new CommandLine.ParseResult[1];
        assertThatCode(() -> parsed[0] = cli.parseArgs(line.toArray(String[]::new)))
                .as("%s %s", command, args)
                .doesNotThrowAnyException();
        assertThat(parsed[0].subcommand().commandSpec().name()).isEqualTo(command);
        assertThat(parsed[0].subcommand().unmatched()).as("unmatched in %s", args).isEmpty();
        for (String arg : args) {
            if (arg.startsWith("--")) {
                assertThat(parsed[0].subcommand().hasMatchedOption(arg)).as(arg).isTrue();
            }
        }
    }

    private static String composeSection() {
        int start = readme.indexOf("#### Docker Compose");
        assertThat(start).as("README section Docker Compose").isNotNegative();
        int end = readme.indexOf("#### Kubernetes", start);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static JsonNode spec(String pointer) {
        JsonNode node = flinkDeployment.at(pointer);
        assertThat(node.isMissingNode()).as(pointer).isFalse();
        return node;
    }

    private static String image(String service) {
        return compose.at("/services/" + service + "/image").asText();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
