package io.deletionwatch.connectors.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server running as a child process: its output goes to a log file, start-up is complete when a
 * line matches a pattern, and {@link #close()} stops it by its process id.
 *
 * <p>The child's standard input stays an open pipe to this JVM. Children started through {@link
 * ParentWatchdog} exit when it closes, so a parent that dies, even by SIGKILL, leaves no orphan.
 */
public final class ServerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final Matcher ready;

    private ServerProcess(String name, Process process, Path log, Matcher ready) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.ready = ready;
    }

    /**
     * Starts {@code command} and waits until a line of its output matches {@code readyLine}.
     *
     * @throws IOException when it exits or times out first; the message holds its last lines
     */
    public static ServerProcess start(
            String name,
            List<String> command,
            Path workDir,
            Path log,
            Pattern readyLine,
            Duration timeout)
            throws IOException {
        return start(name, command, Map.of(), workDir, log, readyLine, timeout);
    }

    /**
     * Like {@link #start(String, List, Path, Path, Pattern, Duration)}, with these variables added
     * to the inherited environment (the way secrets reach a server: never on its command line).
     */
    public static ServerProcess start(
            String name,
            List<String> command,
            Map<String, String> environment,
            Path workDir,
            Path log,
            Pattern readyLine,
            Duration timeout)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<Matcher> readyMatch = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, readyLine, readyMatch), name + "-output");
        pump.setDaemon(true);
        pump.start();
        try {
            Matcher match = readyMatch.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ServerProcess(name, process, log, match);
        } catch (TimeoutException | ExecutionException e) {
            destroy(process);
            throw new IOException(
                    name
                            + (e instanceof TimeoutException
                                    ? " did not start within " + timeout.toSeconds() + " s"
                                    : " exited during start-up")
                            + "; last lines of "
                            + log
                            + ":\n"
                            + MavenArtifacts.tail(log, 30));
        } catch (InterruptedException e) {
            destroy(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + name, e);
        }
    }

    private static void pump(
            Process process, Path log, Pattern readyLine, CompletableFuture<Matcher> readyMatch) {
        try (BufferedReader out =
                        new BufferedReader(
                                new InputStreamReader(
                                        process.getInputStream(), StandardCharsets.UTF_8));
                Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                file.write(line);
                file.write('\n');
                if (!readyMatch.isDone()) {
                    Matcher matcher = readyLine.matcher(line);
                    if (matcher.find()) {
                        file.flush();
                        readyMatch.complete(matcher);
                    }
                } else {
                    file.flush();
                }
            }
        } catch (IOException e) {
            readyMatch.completeExceptionally(e);
        } finally {
            readyMatch.completeExceptionally(new IOException("process output ended"));
        }
    }

    /** The match of the ready line, e.g. to read the port the server bound. */
    public Matcher readyMatch() {
        return ready;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public String name() {
        return name;
    }

    /** Kills the process at once (SIGKILL), as a crash would; for fault tests. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the process gracefully (SIGTERM), forcibly after 30 s. */
    @Override
    public void close() {
        destroy(process);
    }

    private static void destroy(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The Java executable of this JVM. */
    public static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
