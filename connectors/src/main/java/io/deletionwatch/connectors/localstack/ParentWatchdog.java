package io.deletionwatch.connectors.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Main class that runs another main class and exits the JVM when standard input closes, which
 * happens when the parent process ends for any reason (a SIGKILLed test JVM or Ctrl-C'd demo).
 *
 * <p>Usage: {@code java -cp ... ParentWatchdog <main class> <args...>}.
 */
public final class ParentWatchdog {
    private ParentWatchdog() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ParentWatchdog <main class> [args...]");
            System.exit(2);
        }
        Thread watchdog =
                new Thread(
                        () -> {
                            InputStream in = System.in;
                            try {
                                while (in.read() != -1) {
                                    // the parent never writes; any byte is ignored
                                }
                            } catch (IOException ignored) {
                                // a broken pipe means the parent is gone too
                            }
                            System.err.println("parent process ended; stopping");
                            System.exit(0);
                        },
                        "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    /**
     * A classpath folder holding only this class, for a child's classpath: the jar this class ships
     * in carries client libraries that must not mix with a server's own.
     */
    public static String classpathEntry() throws IOException {
        String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        java.nio.file.Path dir = MavenArtifacts.cacheRoot().resolve("watchdog");
        java.nio.file.Path target = dir.resolve(resource);
        java.nio.file.Files.createDirectories(target.getParent());
        try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class file " + resource + " not found");
            }
            java.nio.file.Path tmp =
                    java.nio.file.Files.createTempFile(target.getParent(), "watchdog", ".tmp");
            java.nio.file.Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.move(
                    tmp,
                    target,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return dir.toString();
    }
}
