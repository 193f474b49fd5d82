package io.deletionwatch.job.bench;

import java.util.List;

/** p50, p99 and max of a sample, nearest-rank; NaN when the sample is empty. */
record Percentiles(int count, double p50, double p99, double max) {
    static Percentiles of(List<Long> values) {
        if (values.isEmpty()) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Long> sorted = values.stream().sorted().toList();
        return new Percentiles(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static double rank(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
