package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PipelineStageMedianTest {
    @Test
    void isTheMiddleRunOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(PipelineStage.median(5)).isEqualTo(5);
        assertThat(PipelineStage.median(256_099, 212_985, 204_793)).isEqualTo(212_985);
        assertThat(PipelineStage.median(4, 1, 3, 2)).isEqualTo(2.5);
        assertThatThrownBy(PipelineStage::median).isInstanceOf(IllegalArgumentException.class);
    }
}
