package io.deletionwatch.job.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Counts elements by key into job accumulators named {@code prefix + key}, passing them through;
 * {@code detect} prints the totals when the job ends.
 */
public final class Tally<T> extends RichMapFunction<T, T> {
    private static final long serialVersionUID = 1L;

    private final String prefix;
    private final KeySelector<T, String> key;
    private transient Map<String, LongCounter> counters;

    public Tally(String prefix, KeySelector<T, String> key) {
        this.prefix = prefix;
        this.key = key;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new HashMap<>();
    }

    @Override
    public T map(T element) throws Exception {
        counters
                .computeIfAbsent(
                        prefix + key.getKey(element),
                        name -> {
                            LongCounter counter = new LongCounter();
                            getRuntimeContext().addAccumulator(name, counter);
                            return counter;
                        })
                .add(1L);
        return element;
    }
}
