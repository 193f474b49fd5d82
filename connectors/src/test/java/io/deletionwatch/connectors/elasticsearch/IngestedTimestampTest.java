package io.deletionwatch.connectors.elasticsearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestedTimestampTest {
    private static final Instant NOW = Instant.parse("2026-12-06T15:30:00.123Z");

    private static String stamp(String json) {
        return new String(IngestedTimestamp.stamp(json.getBytes(UTF_8), NOW), UTF_8);
    }

    @Test
    void shouldSetEventIngestedAndKeepEverythingElse() {
        assertThat(stamp("{\"@timestamp\":\"2026-12-06T15:10:00Z\",\"event\":{\"kind\":\"alert\",\"ingested\":\"old\"},\"n\":1}"))
                .isEqualTo("{\"@timestamp\":\"2026-12-06T15:10:00Z\",\"event\":{\"kind\":\"alert\",\"ingested\":\"2026-12-06T15:30:00.123Z\"},\"n\":1}");
    }

    @Test
    void shouldAddTheEventObjectWhenThereIsNone() {
        assertThat(stamp("{\"message\":\"x\"}"))
                .isEqualTo("{\"message\":\"x\",\"event\":{\"ingested\":\"2026-12-06T15:30:00.123Z\"}}");
    }

    @Test
    void shouldLeaveWhatItCannotStampForElasticsearchToJudge() {
        assertThat(stamp("[1,2]")).isEqualTo("[1,2]");
        assertThat(stamp("{\"event\":\"not an object\"}")).isEqualTo("{\"event\":\"not an object\"}");
        assertThat(stamp("{\"truncated\":")).isEqualTo("{\"truncated\":");
    }

    @Test
    void shouldReadTheIngestedTimeOfAStoredCopyOrNullWhenItHasNone() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertThat(IngestedTimestamp.of(mapper.readTree("{\"event\":{\"ingested\":\"2026-12-06T15:30:00.123Z\"}}")))
                .isEqualTo(NOW);
        assertThat(IngestedTimestamp.of(mapper.readTree("{\"event\":{\"kind\":\"alert\"}}"))).isNull();
        assertThat(IngestedTimestamp.of(mapper.readTree("{\"event\":{\"ingested\":\"yesterday\"}}"))).isNull();
        assertThat(IngestedTimestamp.of(mapper.readTree("{\"event\":{\"ingested\":17}}"))).isNull();
        assertThat(IngestedTimestamp.of(null)).isNull();
    }
}
