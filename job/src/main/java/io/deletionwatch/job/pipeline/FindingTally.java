package io.deletionwatch.job.pipeline;

import io.deletionwatch.job.findings.Finding;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Counts a bounded run's findings per rule into accumulators: {@code finding.<rule>} counts
 * incidents (distinct {@code event.id}s), {@code update.<rule>} the later versions of an incident
 * that grew (a mass-deletion burst). Remembers every id it saw: for {@code detect} only, which runs
 * at parallelism 1 over a bounded input.
 */
final class FindingTally extends RichMapFunction<Finding, Finding> {
    private static final long serialVersionUID = 1L;

    static final String INCIDENT = "finding.";
    static final String UPDATE = "update.";

    private transient Set<String> seen;
    private transient Map<String, LongCounter> counters;

    @Override
    public void open(OpenContext openContext) {
        seen = new HashSet<>();
        counters = new HashMap<>();
    }

    @Override
    public Finding map(Finding finding) {
        String name = (seen.add(finding.id()) ? INCIDENT : UPDATE) + finding.rule().id();
        counters.computeIfAbsent(
                        name,
                        n -> {
                            LongCounter counter = new LongCounter();
                            getRuntimeContext().addAccumulator(n, counter);
                            return counter;
                        })
                .add(1L);
        return finding;
    }
}
