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

    @Test
    void eachRunIsComparedWithTheMeanOfTheReferencesEitherSideOfIt() {
        // 200 / mean(400, 400) = 0.5; 150 / mean(400, 200) = 0.5; 240 / mean(200, 400) = 0.8
        assertThat(PipelineStage.pairedRatio(new double[] {200, 150, 240}, new double[] {400, 400, 200, 400}))
                .isEqualTo(0.5);
        assertThat(PipelineStage.pairedRatio(new double[] {300}, new double[] {400, 200})).isEqualTo(1.0);
        assertThatThrownBy(() -> PipelineStage.pairedRatio(new double[] {1, 2}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 runs need 3 references, not 2");
    }
}
