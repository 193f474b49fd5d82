package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.connectors.testing.CollectingSink;
import io.deletionwatch.job.testing.DemoSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's keyed and CEP state works on RocksDB ({@code state.backend.type: rocksdb}, for
 * state larger than memory) as on the default heap backend: the demo sample yields the same
 * findings.
 */
class RocksDbStateBackendTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    @Test
    void shouldFindTheSameIncidentsOnRocksDbAsOnTheHeap() throws Exception {
        Set<String> heap = findingIds(new Configuration());
        Configuration rocksdb = new Configuration();
        rocksdb.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        rocksdb.setString("state.backend.rocksdb.localdir", Files.createDirectories(dir.resolve("rocksdb")).toString());
        rocksdb.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));

        Set<String> onRocksDb = findingIds(rocksdb);

        assertThat(heap).hasSize(11);
        assertThat(onRocksDb).isEqualTo(heap);
    }

    @Test
    void shouldReallyUseRocksDbWhenConfigured() throws Exception {
        // The control: RocksDB refuses a local directory that is a file; the heap backend never
        // looks at it. So the configuration above does reach the state backend.
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Configuration rocksdb = new Configuration();
        rocksdb.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        rocksdb.setString("state.backend.rocksdb.localdir", notADirectory.toString());
        Configuration heap = new Configuration(rocksdb);
        heap.set(StateBackendOptions.STATE_BACKEND, "hashmap");

        assertThat(findingIds(heap)).hasSize(11);
        assertThatThrownBy(() -> findingIds(rocksdb)).hasStackTraceContaining(notADirectory.toString());
    }

    private static Set<String> findingIds(Configuration configuration) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(2);
        DetectionConfig config = DetectionConfig.defaults();
        CollectingSink<Finding> findings = new CollectingSink<>();
        DeletionWatchPipeline.define(
                Inputs.files(env, List.of(DemoSample.FILE), config),
                Rules.all(config),
                config,
                findings,
                new CollectingSink<DeadLetter>());
        env.execute("rocksdb-test");
        return findings.drain().stream().map(Finding::id).collect(Collectors.toCollection(TreeSet::new));
    }
}
