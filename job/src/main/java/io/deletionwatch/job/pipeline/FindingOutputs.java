package io.deletionwatch.job.pipeline;

import io.deletionwatch.job.findings.Finding;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.transformations.PhysicalTransformation;

/**
 * Findings are rare, so every operator that emits them sends each one at once (flush after every
 * record) rather than under the buffer timeout. A positive timeout gives each network output of
 * each subtask an {@code OutputFlusher} thread that wakes every interval: 17 of the job's 33
 * network outputs carry findings only, which at parallelism 2 were 34 threads waking 100 times a
 * second, nearly always with nothing to send (BENCHMARKS.md). The outputs that carry events keep the
 * configured timeout (or {@link StreamingJob#BUFFER_TIMEOUT}), where batching pays.
 */
final class FindingOutputs {
    private FindingOutputs() {}

    /** Every operator upstream of {@code findings} that emits findings sends each at once. */
    static void sendEachAtOnce(DataStream<Finding> findings) {
        Set<Transformation<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Transformation<?>> toVisit = new ArrayDeque<>();
        toVisit.push(findings.getTransformation());
        while (!toVisit.isEmpty()) {
            Transformation<?> transformation = toVisit.pop();
            // the findings' part of the graph ends where events come in
            if (!seen.add(transformation) || transformation.getOutputType().getTypeClass() != Finding.class) {
                continue;
            }
            // unions and partitionings are no operators: their inputs' outputs are the edges
            if (transformation instanceof PhysicalTransformation) {
                transformation.setBufferTimeout(ExecutionOptions.FLUSH_AFTER_EVERY_RECORD);
            }
            transformation.getInputs().forEach(toVisit::push);
        }
    }
}
