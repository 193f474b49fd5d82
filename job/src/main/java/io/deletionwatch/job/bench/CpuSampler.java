package io.deletionwatch.job.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The CPU time of the three processes that share the machine's cores in the end-to-end stages:
 * this JVM (the job on its MiniCluster), the Kafka broker and the Elasticsearch node. It samples
 * their CPU totals every {@link #INTERVAL}, so that a stage's window, known only when its job has
 * finished (its tasks' timestamps), can be cut out afterwards.
 */
final class CpuSampler implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(100);

    /**
     * Cores each process kept busy, on average over a window.
     *
     * @param machine the cores the whole machine kept busy ({@code /proc/stat}), these processes
     *     and every other; NaN where there is no {@code /proc/stat}
     */
    record Cores(double job, double broker, double elasticsearch, double machine) {
        double total() {
            return job + broker + elasticsearch;
        }

        /** Core-seconds per record at {@code recordsPerSecond}. */
        double secondsPerRecord(double recordsPerSecond) {
            return total() / recordsPerSecond;
        }

        @Override
        public String toString() {
            return String.format("job %.2f, broker %.2f, Elasticsearch %.2f cores; the machine %.2f", job, broker,
                    elasticsearch, machine);
        }
    }

    /** The processes' and the machine's CPU totals, in nanoseconds, at an epoch millisecond. */
    record Sample(long epochMillis, long jobNanos, long brokerNanos, long elasticsearchNanos, long machineNanos) {}

    private final long job;
    private final long[] broker;
    private final long[] elasticsearch;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService timer;

    /** {@code broker} and {@code elasticsearch}: each server's process and its descendants; empty for none. */
    private CpuSampler(long job, long[] broker, long[] elasticsearch) {
        this.job = job;
        this.broker = broker;
        this.elasticsearch = elasticsearch;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "deletion-watch bench CPU sampler");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Samples this JVM and the servers' processes until closed. */
    static CpuSampler start(LocalServers servers) {
        return start(new CpuSampler(ProcessHandle.current().pid(), withDescendants(servers.broker.pid()),
                withDescendants(servers.elasticsearch.pid())));
    }

    /** Samples this JVM alone (and the machine) until closed: before the servers start, their cores are 0. */
    static CpuSampler startThisJvm() {
        return start(new CpuSampler(ProcessHandle.current().pid(), new long[0], new long[0]));
    }

    private static CpuSampler start(CpuSampler sampler) {
        sampler.sample();
        sampler.timer.scheduleAtFixedRate(sampler::sample, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return sampler;
    }

    /**
     * The process and its descendants (the node's native controller, if any), listed once: the
     * servers start theirs before they are ready, and listing every process of the machine at each
     * sample cost the sampler ~0.03 cores (BENCHMARKS.md).
     */
    private static long[] withDescendants(long pid) {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process), process.descendants())
                .mapToLong(ProcessHandle::pid)
                .toArray();
    }

    /** The cores each process used from {@code startMillis} to {@code endMillis} (epoch ms, this JVM's clock). */
    Cores between(long startMillis, long endMillis) {
        sample(); // the window may end after the last scheduled sample
        synchronized (samples) {
            return between(samples, startMillis, endMillis);
        }
    }

    static Cores between(List<Sample> samples, long startMillis, long endMillis) {
        if (endMillis <= startMillis) {
            throw new IllegalArgumentException("an empty window: " + startMillis + " to " + endMillis);
        }
        double seconds = (endMillis - startMillis) / 1000.0;
        Sample start = at(samples, startMillis);
        Sample end = at(samples, endMillis);
        return new Cores(
                (end.jobNanos() - start.jobNanos()) / 1e9 / seconds,
                (end.brokerNanos() - start.brokerNanos()) / 1e9 / seconds,
                (end.elasticsearchNanos() - start.elasticsearchNanos()) / 1e9 / seconds,
                end.machineNanos() < 0 ? Double.NaN : (end.machineNanos() - start.machineNanos()) / 1e9 / seconds);
    }

    /** The CPU totals at {@code millis}, interpolated between the samples either side of it. */
    private static Sample at(List<Sample> samples, long millis) {
        for (int i = 1; i < samples.size(); i++) {
            Sample before = samples.get(i - 1);
            Sample after = samples.get(i);
            if (before.epochMillis() <= millis && millis <= after.epochMillis()) {
                double f = after.epochMillis() == before.epochMillis()
                        ? 0 : (millis - before.epochMillis()) / (double) (after.epochMillis() - before.epochMillis());
                return new Sample(millis,
                        before.jobNanos() + Math.round(f * (after.jobNanos() - before.jobNanos())),
                        before.brokerNanos() + Math.round(f * (after.brokerNanos() - before.brokerNanos())),
                        before.elasticsearchNanos() + Math.round(f * (after.elasticsearchNanos() - before.elasticsearchNanos())),
                        before.machineNanos() + Math.round(f * (after.machineNanos() - before.machineNanos())));
            }
        }
        throw new IllegalStateException("no CPU samples around " + millis + " (sampled from "
                + (samples.isEmpty() ? "never" : samples.get(0).epochMillis() + " to " + samples.get(samples.size() - 1).epochMillis()) + ")");
    }

    private void sample() {
        // read before the clock, so that a total is never later than its timestamp
        long jobNanos = cpuNanos(job); // the servers are this JVM's children: not theirs
        long brokerNanos = cpuNanos(broker);
        long elasticsearchNanos = cpuNanos(elasticsearch);
        long machineNanos = machineBusyNanos();
        Sample sample = new Sample(System.currentTimeMillis(), jobNanos, brokerNanos, elasticsearchNanos, machineNanos);
        synchronized (samples) {
            samples.add(sample);
        }
    }

    private static long cpuNanos(long[] pids) {
        long nanos = 0;
        for (long pid : pids) {
            nanos += cpuNanos(pid);
        }
        return nanos;
    }

    /**
     * A process's own CPU time: utime + stime of {@code /proc/<pid>/stat}, in USER_HZ ticks (as
     * {@code ProcessHandle.Info} reads it, without the other files that reads); through {@code
     * ProcessHandle} where there is no such file; 0 for a process that has gone.
     */
    static long cpuNanos(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command, which is in parentheses and may hold spaces: state is field 3
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (java.io.IOException | RuntimeException e) {
            return ProcessHandle.of(pid)
                    .flatMap(p -> p.info().totalCpuDuration())
                    .map(Duration::toNanos)
                    .orElse(0L);
        }
    }

    /**
     * The machine's busy CPU time (user, nice, system, irq, softirq, steal of {@code /proc/stat}'s
     * first line, in USER_HZ ticks, which Linux fixes at 100 a second for user space); -1 without it.
     */
    private static long machineBusyNanos() {
        try (java.io.BufferedReader stat = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/stat"))) {
            String[] f = stat.readLine().trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(f[i]);
            }
            return ticks * 10_000_000L;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
