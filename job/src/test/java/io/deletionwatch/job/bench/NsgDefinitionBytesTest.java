package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The state stage's nsg-definitions figure: a typical NSG's definition, serialized by Flink. */
class NsgDefinitionBytesTest {
    @Test
    void shouldMeasureATypicalNsgWellUnderTheCap() {
        StateStage.NsgDefinitionBytes bytes = StateStage.nsgDefinitionBytes();

        assertThat(bytes.typical()).isBetween(800, 3000);
        assertThat(bytes.atCap()).isEqualTo(16 * 1024);
        assertThat(bytes.keyBytes()).isBetween(100, 250);
    }
}
