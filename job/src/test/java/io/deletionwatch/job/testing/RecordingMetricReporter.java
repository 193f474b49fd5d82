package io.deletionwatch.job.testing;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that remembers the identifier of every metric ever registered in this
 * JVM, for tests that check which metrics a job exposes. Configure it with {@code
 * metrics.reporter.<name>.factory.class: io.deletionwatch.job.testing.RecordingMetricReporter$Factory}.
 */
public final class RecordingMetricReporter implements MetricReporter {
    private static final Set<String> IDENTIFIERS = ConcurrentHashMap.newKeySet();

    /** Every identifier registered so far, e.g. {@code op.activityLog.recordsIn}. */
    /** Forgets what was recorded, so the next job's metrics are seen alone. */
    public static void clear() {
        IDENTIFIERS.clear();
    }

    public static Set<String> identifiers() {
        return Set.copyOf(IDENTIFIERS);
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        IDENTIFIERS.add(group.getMetricIdentifier(name));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Found by Flink through {@code META-INF/services}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new RecordingMetricReporter();
        }
    }
}
