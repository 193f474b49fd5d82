package io.deletionwatch.localstack.elasticsearch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.PluginsLoader;

/**
 * Starts an Elasticsearch node in this JVM through the server's public APIs, in place of the stock
 * bootstrap (which needs the entitlement agent, reads its arguments from stdin and refuses root).
 *
 * <p>Compiled at run time by deletion-watch's ElasticsearchNode with a JDK 21+ javac, because the
 * server jars are class-file 65 and the project builds on Java 17. Runs under ParentWatchdog, so
 * the node exits when its parent closes stdin.
 *
 * <p>Usage: {@code NodeLauncher <home> [setting=value ...]}. Prints {@code started http=host:port}
 * once the node serves HTTP.
 */
public final class NodeLauncher {
    private NodeLauncher() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        Settings.Builder builder = Settings.builder().put("path.home", home.toString());
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected setting=value, got " + args[i]);
            }
            builder.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Settings settings = builder.build();
        String nodeName = settings.get("node.name", "deletion-watch");

        // The log configuration redirects System.out into a logger; the ready line goes here.
        PrintStream out = System.out;
        // Must come first: the server's loggers are created as its classes load.
        LogConfigurator.configureESLogging();
        LogConfigurator.setNodeName(nodeName);
        Environment environment =
                InternalSettingsPreparer.prepareEnvironment(
                        settings, Map.of(), home.resolve("config"), () -> nodeName);
        LogConfigurator.configure(environment, true);

        PluginsLoader plugins =
                PluginsLoader.createPluginsLoader(
                        PluginsLoader.loadModulesBundles(environment.modulesDir(), false),
                        PluginsLoader.loadPluginsBundles(environment.pluginsDir(), false),
                        Map.of());
        Node node = new Node(environment, plugins);
        // The server's threads are all daemons: main stays alive until the JVM shuts down.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        node.prepareForClose();
                                        node.close();
                                        node.awaitClose(20, TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        e.printStackTrace(out);
                                    } finally {
                                        stopped.countDown();
                                    }
                                },
                                "node-shutdown"));
        node.start();
        HttpServerTransport http = node.injector().getInstance(HttpServerTransport.class);
        out.println("started http=" + http.boundAddress().publishAddress());
        out.flush();
        stopped.await();
    }
}
