package io.deletionwatch.connectors.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Flink standalone session cluster: one JobManager and N TaskManagers, each its own JVM,
 * from Flink's jars on Maven Central (the binary distribution is not, for 2.x), for tests of the
 * job as it runs in production: submitted as a jar through REST, with TaskManagers that can be
 * killed and replaced.
 *
 * <p>The processes are started the way {@code flink-dist}'s scripts start them: memory flags
 * computed by Flink's own {@code BashJavaUtils} from the configuration, the {@code --add-opens}
 * list Java 17 needs, {@code config.yaml} in a configuration folder. Everything the cluster writes
 * (configuration, logs, {@code io.tmp.dirs}, checkpoints, savepoints, uploaded jars) lives in one
 * temporary folder that {@link #close()} deletes. Every process binds 127.0.0.1 on free ports and
 * runs under {@link ParentWatchdog}, so it ends with this JVM, even a SIGKILLed one.
 *
 * <p>Secrets reach the job through {@link Builder#environment}: the JobManager runs the jar's
 * {@code main} (REST {@code /jars/run}), the TaskManagers run its operators, and all get the same
 * environment.
 *
 * <pre>{@code
 * try (FlinkCluster flink = FlinkCluster.builder().taskManagers(2)
 *         .config("state.backend.type", "rocksdb")
 *         .environment("EVENTHUBS_CONNECTION_STRING", secret).start()) {
 *     FlinkRestClient rest = flink.rest();
 *     String job = rest.runJar(rest.uploadJar(jar), null, args, 2, null);
 *     rest.waitUntilRunning(job, Duration.ofMinutes(2));
 *     flink.taskManagers().get(0).kill();
 * }
 * }</pre>
 */
public final class FlinkCluster implements AutoCloseable {
    public static final String FLINK_VERSION = "2.2.1";
    private static final String LOG4J_VERSION = "2.24.3";

    /**
     * What {@code flink-dist}'s {@code lib/} holds that a streaming job needs (the file connector
     * is bundled there too), plus the RocksDB state backend, which the distribution ships as well.
     */
    static final List<String> ARTIFACTS =
            List.of(
                    "org.apache.flink:flink-runtime:" + FLINK_VERSION,
                    "org.apache.flink:flink-rpc-akka-loader:" + FLINK_VERSION,
                    "org.apache.flink:flink-streaming-java:" + FLINK_VERSION,
                    "org.apache.flink:flink-clients:" + FLINK_VERSION,
                    "org.apache.flink:flink-runtime-web:" + FLINK_VERSION,
                    "org.apache.flink:flink-connector-files:" + FLINK_VERSION,
                    "org.apache.flink:flink-statebackend-rocksdb:" + FLINK_VERSION,
                    // Flink logs through SLF4J 1.7; these are the bindings its distribution ships.
                    "org.apache.logging.log4j:log4j-slf4j-impl:" + LOG4J_VERSION,
                    "org.apache.logging.log4j:log4j-api:" + LOG4J_VERSION,
                    "org.apache.logging.log4j:log4j-core:" + LOG4J_VERSION,
                    "org.apache.logging.log4j:log4j-1.2-api:" + LOG4J_VERSION);

    /**
     * {@code env.java.default-opts.all} of Flink's own configuration: Java 17 closes what Flink's
     * serializers and Pekko reach into.
     */
    static final List<String> JAVA_OPTIONS =
            List.of(
                    "-XX:+IgnoreUnrecognizedVMOptions",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
                    "--add-opens=java.base/sun.net.util=ALL-UNNAMED");

    private static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS =
            "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Pattern JOB_MANAGER_READY = Pattern.compile("Rest endpoint listening at");
    private static final Pattern TASK_MANAGER_READY =
            Pattern.compile("Successful registration at resource manager");
    private static final String HOST = "127.0.0.1";

    private final Path workDir;
    private final Path logDir;
    private final Path lib;
    private final Map<String, String> environment;
    private final Duration startTimeout;
    private final int restPort;
    private final List<TaskManager> taskManagers = Collections.synchronizedList(new ArrayList<>());
    private final FlinkRestClient rest;
    private ServerProcess jobManager;
    private List<String> taskManagerMemory;
    private int taskManagerCounter;
    private Duration startupTime;

    private FlinkCluster(
            Path workDir,
            Path logDir,
            Path lib,
            Map<String, String> environment,
            Duration startTimeout,
            int restPort) {
        this.workDir = workDir;
        this.logDir = logDir;
        this.lib = lib;
        this.environment = environment;
        this.startTimeout = startTimeout;
        this.restPort = restPort;
        this.rest = new FlinkRestClient(restUrl());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link FlinkCluster}; {@link #start()} starts it. */
    public static final class Builder {
        private int taskManagers = 1;
        private int slotsPerTaskManager = 1;
        private final Map<String, String> config = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofMinutes(3);
        private Path logDir;

        private Builder() {}

        /**
         * Keeps the processes' logs here (one file each, {@code jobmanager.log}, {@code
         * taskmanager-<n>.log}), after {@link #close()} too. Default: in the cluster's temporary
         * folder, deleted on close.
         */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** How many TaskManagers start with the cluster; default 1. */
        public Builder taskManagers(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("taskManagers must be >= 0, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        /** {@code taskmanager.numberOfTaskSlots}; default 1. */
        public Builder slotsPerTaskManager(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException(
                        "slotsPerTaskManager must be >= 1, got " + slots);
            }
            this.slotsPerTaskManager = slots;
            return this;
        }

        /**
         * A {@code config.yaml} entry (flat key), over the defaults: e.g. {@code
         * state.backend.type: rocksdb}, {@code execution.checkpointing.interval: 1s}, {@code
         * restart-strategy.type: exponential-delay}. Addresses, ports and folders are the cluster's
         * own.
         */
        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /**
         * An environment variable of every process of the cluster, e.g. a secret the job reads
         * ({@code EVENTHUBS_CONNECTION_STRING}, {@code ES_API_KEY}).
         */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** How long each process may take to start; default 3 minutes (a busy 2-core machine). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Fetches Flink's jars if needed (once per machine), starts the JobManager and the
         * TaskManagers side by side and returns when every TaskManager has registered.
         */
        public FlinkCluster start() throws IOException {
            long begin = System.nanoTime();
            Path lib =
                    MavenArtifacts.resolve(
                            "flink-" + FLINK_VERSION + "-" + digest(ARTIFACTS), ARTIFACTS);
            Path dir = Files.createTempDirectory("flink-cluster-");
            FlinkCluster cluster;
            try {
                Ports ports = freePorts();
                cluster =
                        new FlinkCluster(
                                dir,
                                logDir == null
                                        ? dir.resolve("log")
                                        : Files.createDirectories(logDir).toAbsolutePath(),
                                lib,
                                Map.copyOf(environment),
                                startTimeout,
                                ports.rest());
                cluster.writeConfig(configuration(dir, ports));
            } catch (IOException | RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
            try {
                cluster.taskManagerMemory = cluster.memoryFlags("GET_TM_RESOURCE_PARAMS");
                List<CompletableFuture<TaskManager>> starting = new ArrayList<>();
                for (int i = 0; i < taskManagers; i++) {
                    starting.add(CompletableFuture.supplyAsync(cluster::startTaskManagerUnchecked));
                }
                cluster.startJobManager();
                for (CompletableFuture<TaskManager> tm : starting) {
                    try {
                        tm.join();
                    } catch (CompletionException e) {
                        if (e.getCause() instanceof UncheckedIOException io) {
                            throw io.getCause();
                        }
                        throw e;
                    }
                }
            } catch (IOException | RuntimeException e) {
                cluster.close();
                throw e;
            }
            cluster.startupTime = Duration.ofNanos(System.nanoTime() - begin);
            return cluster;
        }

        private Map<String, String> configuration(Path dir, Ports ports) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("jobmanager.rpc.address", HOST);
            c.put("jobmanager.bind-host", HOST);
            c.put("jobmanager.rpc.port", Integer.toString(ports.rpc()));
            c.put("taskmanager.host", HOST);
            c.put("taskmanager.bind-host", HOST);
            c.put("rest.address", HOST);
            c.put("rest.bind-address", HOST);
            c.put("rest.port", Integer.toString(ports.rest()));
            c.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
            c.put("parallelism.default", "1");
            c.put("io.tmp.dirs", dir.resolve("tmp").toString());
            c.put("web.upload.dir", dir.resolve("web-upload").toString());
            c.put("web.submit.enable", "true");
            c.put("web.cancel.enable", "true");
            c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
            c.put(
                    "execution.checkpointing.savepoint-dir",
                    dir.resolve("savepoints").toUri().toString());
            // Small, but with Flink's default metaspace: every job submitted loads its jar's
            // classes again (in the JobManager, which runs main, and in each TaskManager).
            c.put("jobmanager.memory.process.size", "896m");
            c.put("jobmanager.memory.jvm-metaspace.size", "256m");
            c.put("taskmanager.memory.process.size", "1024m");
            c.put("taskmanager.memory.jvm-metaspace.size", "256m");
            // The heap state backend keeps nothing in managed memory; RocksDB gets some.
            boolean rocksdb = "rocksdb".equalsIgnoreCase(config.get("state.backend.type"));
            c.put("taskmanager.memory.managed.size", rocksdb ? "128m" : "0m");
            c.putAll(config);
            return c;
        }
    }

    private record Ports(int rpc, int rest) {}

    /**
     * Two distinct ports free right now on 127.0.0.1 (the JobManager's RPC port must be known to
     * the TaskManagers before it starts). TaskManagers, the blob server and the data exchange bind
     * port 0.
     */
    private static Ports freePorts() throws IOException {
        InetAddress loopback = InetAddress.getByName(HOST);
        try (ServerSocket a = new ServerSocket(0, 1, loopback);
                ServerSocket b = new ServerSocket(0, 1, loopback)) {
            return new Ports(a.getLocalPort(), b.getLocalPort());
        }
    }

    private void writeConfig(Map<String, String> config) throws IOException {
        Files.createDirectories(confDir());
        Files.createDirectories(logDir);
        for (String dir : List.of("tmp", "web-upload", "checkpoints", "savepoints", "plugins")) {
            Files.createDirectories(workDir.resolve(dir));
        }
        StringBuilder yaml =
                new StringBuilder("# written by ")
                        .append(FlinkCluster.class.getName())
                        .append('\n');
        config.forEach((k, v) -> yaml.append(k).append(": ").append(yamlString(v)).append('\n'));
        Files.writeString(confDir().resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(confDir().resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
    }

    /** A double-quoted YAML scalar: every value is a string to Flink, which converts it. */
    private static String yamlString(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static final String LOG4J =
            """
            rootLogger.level = INFO
            rootLogger.appenderRef.out.ref = OUT
            appender.out.type = Console
            appender.out.name = OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
            logger.pekko.name = org.apache.pekko
            logger.pekko.level = WARN
            logger.kafka.name = org.apache.kafka
            logger.kafka.level = WARN
            logger.netty.name = org.apache.flink.shaded.netty4.io.netty.channel.DefaultChannelPipeline
            logger.netty.level = ERROR
            """;

    /**
     * The JVM flags and {@code -D} memory properties {@code flink-dist}'s scripts get from {@code
     * BashJavaUtils}: two result lines, flags then properties.
     */
    private List<String> memoryFlags(String command) throws IOException {
        Path log = logDir.resolve("bash-java-utils-" + command + ".log");
        List<String> javaCommand = new ArrayList<>();
        javaCommand.add(ServerProcess.currentJava());
        javaCommand.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classpath(false)));
        javaCommand.addAll(List.of(BASH_JAVA_UTILS, command, "--configDir", confDir().toString()));
        Process process =
                new ProcessBuilder(javaCommand)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        try {
            if (!process.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("BashJavaUtils " + command + " timed out; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while computing Flink's memory flags", e);
        }
        List<String> results =
                Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith(EXEC_RESULT))
                        .map(l -> l.substring(EXEC_RESULT.length()).strip())
                        .toList();
        if (process.exitValue() != 0 || results.size() < 2) {
            throw new IOException(
                    "BashJavaUtils "
                            + command
                            + " failed (exit "
                            + process.exitValue()
                            + "): "
                            + MavenArtifacts.tail(log, 15));
        }
        List<String> flags = new ArrayList<>();
        // the last two result lines: JVM flags, then "-D key=value" dynamic properties
        flags.addAll(Arrays.asList(results.get(results.size() - 2).split("\\s+")));
        flags.add("--");
        flags.addAll(Arrays.asList(results.get(results.size() - 1).split("\\s+")));
        return flags;
    }

    private void startJobManager() throws IOException {
        List<String> memory = memoryFlags("GET_JM_RESOURCE_PARAMS");
        jobManager =
                ServerProcess.start(
                        "flink-jobmanager",
                        command(memory, "jobmanager", JOB_MANAGER_MAIN),
                        processEnvironment(),
                        workDir,
                        logDir.resolve("jobmanager.log"),
                        JOB_MANAGER_READY,
                        startTimeout);
    }

    private TaskManager startTaskManagerUnchecked() {
        try {
            return startTaskManager();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts one more TaskManager (e.g. to replace a killed one) and returns when it has registered
     * with the JobManager.
     */
    public TaskManager startTaskManager() throws IOException {
        int number;
        synchronized (this) {
            number = ++taskManagerCounter;
        }
        String name = "taskmanager-" + number;
        long begin = System.nanoTime();
        ServerProcess process =
                ServerProcess.start(
                        "flink-" + name,
                        command(taskManagerMemory, name, TASK_MANAGER_MAIN),
                        processEnvironment(),
                        workDir,
                        logDir.resolve(name + ".log"),
                        TASK_MANAGER_READY,
                        startTimeout);
        TaskManager tm =
                new TaskManager(name, process, Duration.ofNanos(System.nanoTime() - begin));
        taskManagers.add(tm);
        return tm;
    }

    /** {@code java <memory flags> <opens> ... ParentWatchdog <main> --configDir conf <-D ...>}. */
    private List<String> command(List<String> memory, String logName, String mainClass)
            throws IOException {
        int separator = memory.indexOf("--");
        List<String> command = new ArrayList<>();
        command.add(ServerProcess.currentJava());
        command.addAll(memory.subList(0, separator));
        command.addAll(JAVA_OPTIONS);
        command.add("-Dlog.file=" + logDir.resolve(logName + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties").toUri());
        command.addAll(List.of("-cp", classpath(true), ParentWatchdog.class.getName(), mainClass));
        command.addAll(List.of("--configDir", confDir().toString()));
        command.addAll(memory.subList(separator + 1, memory.size()));
        return command;
    }

    private String classpath(boolean withWatchdog) throws IOException {
        List<String> entries = new ArrayList<>();
        if (withWatchdog) {
            entries.add(ParentWatchdog.classpathEntry());
        }
        for (Path jar : MavenArtifacts.jars(lib)) {
            entries.add(jar.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private Map<String, String> processEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("FLINK_CONF_DIR", confDir().toString());
        env.put("FLINK_PLUGINS_DIR", workDir.resolve("plugins").toString());
        env.put("FLINK_LOG_DIR", logDir.toString());
        return env;
    }

    private Path confDir() {
        return workDir.resolve("conf");
    }

    /** {@code http://127.0.0.1:<port>}: REST API and web UI. */
    public String restUrl() {
        return "http://" + HOST + ":" + restPort;
    }

    /** A client of this cluster's REST API. */
    public FlinkRestClient rest() {
        return rest;
    }

    /** The TaskManagers started so far, in start order, killed ones included. */
    public List<TaskManager> taskManagers() {
        synchronized (taskManagers) {
            return List.copyOf(taskManagers);
        }
    }

    public long jobManagerPid() {
        return jobManager.pid();
    }

    /** The JobManager's log (it also holds the output of jobs' {@code main}). */
    public Path jobManagerLog() {
        return jobManager.log();
    }

    /** Where checkpoints go ({@code execution.checkpointing.dir}). */
    public Path checkpointsDir() {
        return workDir.resolve("checkpoints");
    }

    /** The default savepoint folder ({@code execution.checkpointing.savepoint-dir}). */
    public Path savepointsDir() {
        return workDir.resolve("savepoints");
    }

    public Path workDir() {
        return workDir;
    }

    /** From {@link Builder#start()} until every TaskManager registered, jar fetching included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops every process (SIGTERM, SIGKILL after 30 s) and deletes the cluster's folder. */
    @Override
    public void close() throws IOException {
        for (TaskManager tm : taskManagers()) {
            tm.close();
        }
        if (jobManager != null) {
            jobManager.close();
        }
        deleteTree(workDir);
    }

    @Override
    public String toString() {
        return "FlinkCluster[rest="
                + restUrl()
                + ", taskManagers="
                + taskManagers().size()
                + ", workDir="
                + workDir
                + "]";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static String digest(List<String> coordinates) {
        try {
            byte[] hash =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(
                                    String.join("\n", coordinates)
                                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One TaskManager process. */
    public static final class TaskManager implements AutoCloseable {
        private final String name;
        private final ServerProcess process;
        private final Duration startupTime;

        private TaskManager(String name, ServerProcess process, Duration startupTime) {
            this.name = name;
            this.process = process;
            this.startupTime = startupTime;
        }

        /** {@code taskmanager-<n>}, numbered in start order. */
        public String name() {
            return name;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public Path log() {
            return process.log();
        }

        /** From process start until registered with the JobManager. */
        public Duration startupTime() {
            return startupTime;
        }

        /** SIGKILL, as a crashed machine: no shutdown hook, no goodbye to the JobManager. */
        public void kill() throws InterruptedException {
            process.kill();
        }

        /** Stops it gracefully (SIGTERM), forcibly after 30 s. */
        @Override
        public void close() {
            process.close();
        }

        @Override
        public String toString() {
            return name + "(pid " + pid() + (isAlive() ? "" : ", dead") + ")";
        }
    }
}
