package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.config.DetectionConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's state stage: it waits for the loaded keys to be applied (the event-time
 * operator's watermark, read over the MiniCluster's REST API) and measures them in savepoints.
 */
class StateStageITCase {
    @Test
    void measuresTheLoadedKeysOnceTheWatermarkHasPassedThem() throws Exception {
        DetectionConfig config = new DetectionConfig(Duration.ofSeconds(2), DetectionConfig.DEFAULT_IDLENESS,
                DetectionConfig.DEFAULT_DEDUP_TTL, DetectionConfig.DEFAULT_MAX_RECORD_BYTES);

        // the watermark wait times out with an exception if the metric it reads is gone
        StateStage.Result result = StateStage.run(3_000, config, 2, Duration.ofMinutes(2));

        assertThat(result.keys()).isEqualTo(3_000);
        assertThat(result.savepointBytesAfter()).isGreaterThan(result.savepointBytesBefore());
        // 780-785 bytes per key were measured on 30 000 and 1 000 000 keys (BENCHMARKS.md); the
        // three kinds of key are in a fixed mix, so a small load costs the same per key
        assertThat(result.bytesPerKey()).isBetween(700.0, 900.0);
        assertThat(result.bytesPerKey())
                .isEqualTo((result.savepointBytesAfter() - result.savepointBytesBefore()) / 3_000.0);
    }
}
