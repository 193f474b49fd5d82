package io.deletionwatch.connectors.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Elasticsearch node (server 9.5.3, real Lucene, real REST API) in a child JVM, for tests
 * and the local stack on machines without Docker.
 *
 * <p>The node's home is assembled once from Maven Central jars into the cache (see {@link
 * MavenArtifacts#cacheRoot()}): the server and its dependencies on the module path, the {@code
 * transport-netty4} module, and two small sources of ours compiled there with the javac of a JDK
 * 21+ (ES 9 needs it; the project builds on 17): a launcher used instead of the stock bootstrap and
 * a {@code rest-root} module for {@code GET /}. Every node gets its own data directory and binds
 * 127.0.0.1 only; it exits when this JVM does, however this JVM ends.
 */
public final class ElasticsearchNode implements AutoCloseable {
    public static final String VERSION = "9.5.3";

    /** The feature version of the JDK the node needs. */
    public static final int MINIMUM_JAVA = 21;

    private static final String RESOURCES =
            "/io/deletionwatch/connectors/localstack/elasticsearch/";
    private static final String LAUNCHER_SOURCE = "NodeLauncher.java";
    private static final String PLUGIN_SOURCE = "RestRootPlugin.java";
    private static final List<String> HOME_RESOURCES =
            List.of(LAUNCHER_SOURCE, PLUGIN_SOURCE, "elasticsearch.yml", "log4j2.properties");
    private static final String LAUNCHER_CLASS =
            "io.deletionwatch.localstack.elasticsearch.NodeLauncher";
    private static final String PLUGIN_CLASS =
            "io.deletionwatch.localstack.elasticsearch.restroot.RestRootPlugin";

    /** Bump when the assembly below changes, so cached homes are rebuilt. */
    private static final int LAYOUT_VERSION = 1;

    private static final Set<String> RESERVED_SETTINGS =
            Set.of(
                    "cluster.name",
                    "node.name",
                    "path.data",
                    "path.logs",
                    "http.port",
                    "transport.port");

    private static final Pattern READY = Pattern.compile("started http=(\\S+):(\\d+)\\s*$");
    private static final Object HOME_LOCK = new Object();

    private final ServerProcess process;
    private final Options options;
    private final String host;
    private final int port;
    private final Path workDir;
    private final Path dataDir;
    private boolean ownsWorkDir;

    private ElasticsearchNode(
            ServerProcess process,
            Options options,
            String host,
            int port,
            Path workDir,
            Path dataDir,
            boolean ownsWorkDir) {
        this.process = process;
        this.options = options;
        this.host = host;
        this.port = port;
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.ownsWorkDir = ownsWorkDir;
    }

    /**
     * How to start a node.
     *
     * @param dataDir {@code path.data}; null for a fresh directory that {@link #close()} deletes
     * @param logFile where the node's output goes; null for a file next to the data
     * @param heap the JVM heap, e.g. {@code 512m}
     * @param httpPort the HTTP port on 127.0.0.1; 0 lets the system choose a free one
     * @param startTimeout how long to wait for the node to serve HTTP
     * @param settings further node settings ({@code elasticsearch.yml} keys), e.g. to provoke
     *     rejections in a test
     */
    public record Options(
            Path dataDir,
            Path logFile,
            String heap,
            int httpPort,
            Duration startTimeout,
            Map<String, String> settings) {
        public Options {
            if (heap == null || !heap.matches("\\d+[kmgKMG]")) {
                throw new IllegalArgumentException("heap must look like 512m or 1g, got " + heap);
            }
            if (httpPort < 0 || httpPort > 65535) {
                throw new IllegalArgumentException("httpPort must be 0..65535, got " + httpPort);
            }
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive");
            }
            settings = settings == null ? Map.of() : Map.copyOf(new TreeMap<>(settings));
        }

        /** A fresh data directory, 512 MB of heap, a free port, three minutes to start. */
        public static Options defaults() {
            return new Options(null, null, "512m", 0, Duration.ofMinutes(3), Map.of());
        }

        public Options withDataDir(Path dataDir) {
            return new Options(dataDir, logFile, heap, httpPort, startTimeout, settings);
        }

        public Options withLogFile(Path logFile) {
            return new Options(dataDir, logFile, heap, httpPort, startTimeout, settings);
        }

        public Options withHeap(String heap) {
            return new Options(dataDir, logFile, heap, httpPort, startTimeout, settings);
        }

        public Options withHttpPort(int httpPort) {
            return new Options(dataDir, logFile, heap, httpPort, startTimeout, settings);
        }

        public Options withStartTimeout(Duration startTimeout) {
            return new Options(dataDir, logFile, heap, httpPort, startTimeout, settings);
        }

        /** One more node setting; the node's own (ports, paths, names) cannot be overridden. */
        public Options withSetting(String key, String value) {
            if (RESERVED_SETTINGS.contains(key)) {
                throw new IllegalArgumentException(key + " is set by ElasticsearchNode itself");
            }
            Map<String, String> more = new TreeMap<>(settings);
            more.put(key, value);
            return new Options(dataDir, logFile, heap, httpPort, startTimeout, more);
        }
    }

    /** Starts a node with {@link Options#defaults()}. */
    public static ElasticsearchNode start() throws IOException {
        return start(Options.defaults());
    }

    /**
     * Starts a node and waits until it serves HTTP. The first call on a machine also fetches the
     * jars and assembles the home, which takes longer.
     */
    public static ElasticsearchNode start(Options options) throws IOException {
        Path workDir = Files.createTempDirectory("deletion-watch-es-");
        return start(options, workDir, true);
    }

    private static ElasticsearchNode start(Options options, Path workDir, boolean ownsWorkDir)
            throws IOException {
        Path home = home();
        Path javaBin = ModernJdk.find(MINIMUM_JAVA).resolve("bin").resolve("java");
        Path dataDir = options.dataDir() != null ? options.dataDir() : workDir.resolve("data");
        Files.createDirectories(dataDir);
        Path logsDir = Files.createDirectories(workDir.resolve("logs"));
        Path log = options.logFile() != null ? options.logFile() : workDir.resolve("node.log");

        List<String> command = new ArrayList<>();
        command.add(javaBin.toString());
        command.add("-Xms" + options.heap());
        command.add("-Xmx" + options.heap());
        command.addAll(
                List.of(
                        "-XX:+UseG1GC",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-Dfile.encoding=UTF-8",
                        "-Djava.locale.providers=CLDR",
                        "-Dio.netty.noUnsafe=true",
                        "-Dio.netty.noKeySetOptimization=true",
                        "-Dio.netty.recycler.maxCapacityPerThread=0",
                        "-Dlog4j2.formatMsgNoLookups=true",
                        "-Dlog4j.shutdownHookEnabled=false",
                        "-Dlog4j2.disable.jmx=true",
                        // libvec (the native vector library) is not on Maven Central.
                        "-Dorg.elasticsearch.nativeaccess.enableVectorLibrary=false",
                        "--enable-native-access=org.elasticsearch.nativeaccess,"
                                + "org.elasticsearch.foreign,org.apache.lucene.core",
                        "--add-modules=jdk.incubator.vector",
                        "--add-modules=jdk.net",
                        "-Des.path.home=" + home,
                        // On a plain classpath the plugin loader fails: the server runs as modules.
                        "--module-path",
                        home.resolve("lib").toString(),
                        "--add-modules=ALL-MODULE-PATH",
                        "-cp",
                        ParentWatchdog.classpathEntry()
                                + File.pathSeparator
                                + home.resolve("launcher"),
                        ParentWatchdog.class.getName(),
                        LAUNCHER_CLASS,
                        home.toString(),
                        "cluster.name=deletion-watch-local",
                        "node.name=deletion-watch-local",
                        "path.data=" + dataDir.toAbsolutePath(),
                        "path.logs=" + logsDir.toAbsolutePath(),
                        "http.port=" + options.httpPort(),
                        "transport.port=0"));
        options.settings().forEach((key, value) -> command.add(key + "=" + value));
        ServerProcess process =
                ServerProcess.start(
                        "elasticsearch", command, workDir, log, READY, options.startTimeout());
        Matcher ready = process.readyMatch();
        int port = Integer.parseInt(ready.group(2));
        return new ElasticsearchNode(
                process, options, ready.group(1), port, workDir, dataDir, ownsWorkDir);
    }

    /**
     * Starts this node again on the same port and data directory, stopping it first if it still
     * runs; the documents it held are there again. The returned node owns the data from now on.
     */
    public ElasticsearchNode restart() throws IOException {
        if (process.isAlive()) {
            process.close();
        }
        ElasticsearchNode next =
                start(options.withHttpPort(port).withDataDir(dataDir), workDir, ownsWorkDir);
        ownsWorkDir = false;
        return next;
    }

    /** A port free on 127.0.0.1 right now, e.g. to point a client at a node not started yet. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String httpUrl() {
        return "http://" + host + ":" + port;
    }

    /** The address the node's HTTP server bound, {@code 127.0.0.1}. */
    public String httpHost() {
        return host;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The node's output: its whole log. */
    public Path log() {
        return process.log();
    }

    /**
     * Kills the node at once (SIGKILL), as a crash would; its data stays for {@link #restart()}.
     */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** Stops the node gracefully; its data stays for {@link #restart()}. */
    public void stop() {
        process.close();
    }

    /** Stops the node and deletes the data directory if this class created it. */
    @Override
    public void close() throws IOException {
        process.close();
        if (ownsWorkDir) {
            ownsWorkDir = false;
            deleteRecursively(workDir);
        }
    }

    @Override
    public String toString() {
        return "ElasticsearchNode[" + httpUrl() + ", pid " + pid() + "]";
    }

    /**
     * The node's home, assembled into the cache on first use and reused afterwards: keyed by the
     * server version and a hash of our launcher, plugin and configuration, so a change to them
     * builds a new home. Safe when several JVMs start nodes at once.
     */
    public static Path home() throws IOException {
        Path servers = MavenArtifacts.cacheRoot().resolve("servers");
        Path home = servers.resolve("elasticsearch-" + VERSION + "-home-" + homeKey());
        if (Files.isDirectory(home)) {
            return home;
        }
        Files.createDirectories(servers);
        synchronized (HOME_LOCK) {
            try (FileChannel channel =
                    FileChannel.open(
                            servers.resolve("elasticsearch-home.lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE)) {
                // Held until the channel closes; other JVMs wait here while one assembles.
                channel.lock();
                if (Files.isDirectory(home)) {
                    return home;
                }
                Path staging = Files.createTempDirectory(servers, "elasticsearch-home-staging-");
                try {
                    assemble(staging);
                    Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    deleteRecursively(staging);
                }
            }
        }
        return home;
    }

    private static void assemble(Path home) throws IOException {
        Path lib = Files.createDirectories(home.resolve("lib"));
        Set<String> libJars = new HashSet<>();
        for (Path jar :
                MavenArtifacts.jars(
                        MavenArtifacts.resolve(
                                "elasticsearch-" + VERSION,
                                List.of("org.elasticsearch:elasticsearch:" + VERSION)))) {
            linkOrCopy(jar, lib.resolve(jar.getFileName()));
            libJars.add(jar.getFileName().toString());
        }
        linkZstd(lib);

        // The jar-conflict check refuses a module that repeats a jar of lib/.
        Path netty = Files.createDirectories(home.resolve("modules").resolve("transport-netty4"));
        Path nettyPluginJar = null;
        for (Path jar :
                MavenArtifacts.jars(
                        MavenArtifacts.resolve(
                                "elasticsearch-transport-netty4-" + VERSION,
                                List.of("org.elasticsearch.plugin:transport-netty4:" + VERSION)))) {
            String name = jar.getFileName().toString();
            if (name.equals("transport-netty4-" + VERSION + ".jar")) {
                nettyPluginJar = jar;
            }
            if (!libJars.contains(name)) {
                linkOrCopy(jar, netty.resolve(name));
            }
        }
        if (nettyPluginJar == null) {
            throw new IOException("the transport-netty4 " + VERSION + " jar was not resolved");
        }
        try (JarFile jar = new JarFile(nettyPluginJar.toFile())) {
            JarEntry descriptor =
                    jar.getJarEntry(
                            "META-INF/es-plugins/transport-netty4/plugin-descriptor.properties");
            if (descriptor == null) {
                throw new IOException(nettyPluginJar + " holds no plugin descriptor");
            }
            try (InputStream in = jar.getInputStream(descriptor)) {
                Files.copy(in, netty.resolve("plugin-descriptor.properties"));
            }
        }

        Path config = Files.createDirectories(home.resolve("config"));
        Files.write(config.resolve("elasticsearch.yml"), resource("elasticsearch.yml"));
        Files.write(config.resolve("log4j2.properties"), resource("log4j2.properties"));
        Files.createDirectories(home.resolve("plugins"));

        Path javac = ModernJdk.find(MINIMUM_JAVA).resolve("bin").resolve("javac");
        Path sources = Files.createDirectories(home.resolve("src"));
        Files.write(sources.resolve(LAUNCHER_SOURCE), resource(LAUNCHER_SOURCE));
        Files.write(sources.resolve(PLUGIN_SOURCE), resource(PLUGIN_SOURCE));
        compile(javac, lib, sources.resolve(LAUNCHER_SOURCE), home.resolve("launcher"));

        Path pluginClasses = sources.resolve("rest-root-classes");
        compile(javac, lib, sources.resolve(PLUGIN_SOURCE), pluginClasses);
        Path restRoot = Files.createDirectories(home.resolve("modules").resolve("rest-root"));
        writeJar(pluginClasses, restRoot.resolve("deletion-watch-rest-root-" + VERSION + ".jar"));
        Files.writeString(
                restRoot.resolve("plugin-descriptor.properties"),
                String.join(
                        "\n",
                        "name=rest-root",
                        "description=GET / and HEAD / (deletion-watch's stand-in for the stock"
                                + " module)",
                        "version=" + VERSION,
                        "elasticsearch.version=" + VERSION,
                        "java.version=" + MINIMUM_JAVA,
                        "classname=" + PLUGIN_CLASS,
                        ""),
                StandardCharsets.UTF_8);
    }

    /** Without lib/platform/&lt;os-arch&gt;/libzstd.so the server turns off all native code. */
    private static void linkZstd(Path lib) throws IOException {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String platform =
                arch.equals("aarch64") || arch.equals("arm64") ? "linux-aarch64" : "linux-x64";
        List<Path> candidates = new ArrayList<>();
        for (String dir :
                List.of(
                        "/usr/lib/x86_64-linux-gnu",
                        "/lib/x86_64-linux-gnu",
                        "/usr/lib/aarch64-linux-gnu",
                        "/lib/aarch64-linux-gnu",
                        "/usr/lib64",
                        "/usr/lib",
                        "/lib64")) {
            candidates.add(Path.of(dir, "libzstd.so.1"));
        }
        Path system = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (system == null) {
            throw new IOException(
                    "the Elasticsearch node needs the system zstd library (libzstd.so.1), found in"
                            + " none of "
                            + candidates
                            + ". Install it: 'apt-get install libzstd1' (Debian/Ubuntu) or"
                            + " 'dnf install libzstd' (Fedora/RHEL)");
        }
        Path platformDir = Files.createDirectories(lib.resolve("platform").resolve(platform));
        Files.createSymbolicLink(platformDir.resolve("libzstd.so"), system.toRealPath());
    }

    private static void compile(Path javac, Path lib, Path source, Path out) throws IOException {
        Files.createDirectories(out);
        List<String> command =
                List.of(
                        javac.toString(),
                        "--release",
                        String.valueOf(MINIMUM_JAVA),
                        "-proc:none",
                        "-encoding",
                        "UTF-8",
                        "-nowarn",
                        "-cp",
                        lib.toAbsolutePath() + File.separator + "*",
                        "-d",
                        out.toString(),
                        source.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("cannot compile " + source.getFileName() + ":\n" + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compiling " + source.getFileName(), e);
        }
    }

    private static void writeJar(Path classes, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Path path : files) {
                String name = classes.relativize(path).toString().replace('\\', '/');
                out.putNextEntry(new JarEntry(name));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
    }

    /** A hard link saves 40 MB per home; a copy where links are not possible (other disk). */
    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target);
        }
    }

    private static String homeKey() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((VERSION + "/" + LAYOUT_VERSION).getBytes(StandardCharsets.UTF_8));
            for (String name : HOME_RESOURCES) {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update(resource(name));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ElasticsearchNode.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCES + name + " is missing");
            }
            return in.readAllBytes();
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
