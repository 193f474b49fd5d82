package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static BenchReport report(Percentiles sequence) {
        return report(sequence, true);
    }

    private static BenchReport report(Percentiles sequence, boolean pipelineJitSettled) {
        return new BenchReport("quick", "2 cores", 60_000, 1_510, 0.97, 2_000,
                100_000, 180_000, 90_000, 0.5, 72_000, 5_000,
                Percentiles.of(List.of(300L, 400L, 900L)), sequence, 50,
                30_000, 700.4, 900.6, true, 22, 22, 21, 22, 1, 54_000, 22, 40_500, 20, pipelineJitSettled,
                // fetching alone: 1.6 cores at 200 000 records/s, 8 us per record; the pipeline 11.11 us
                200_000, new CpuSampler.Cores(1.2, 0.35, 0.05, 1.65), new CpuSampler.Cores(1.5, 0.2, 0.25, 1.98), 2.0 / 180_000, 2, pipelineJitSettled,
                180_000, 0.4);
    }

    @Test
    void theLastLineIsOneJsonObjectWithEveryRequiredKey() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report(Percentiles.of(List.of(2_100L, 2_500L))).jsonLine());
        assertThat(json.isObject()).isTrue();
        assertThat(json.fieldNames()).toIterable().contains(
                "parse_eps_1t", "parse_eps_2t", "pipeline_eps", "pipeline_to_parse_ratio", "e2e_eps",
                "e2e_to_parse_ratio", "latency_single_p99_ms", "latency_sequence_p99_ms", "state_bytes_per_key",
                "incidents_expected", "incidents_found");
        assertThat(json.get("pipeline_to_parse_ratio").asDouble()).isEqualTo(0.5);
        assertThat(json.get("pipeline_jit_settled").asBoolean()).isTrue();
        assertThat(json.get("e2e_jit_settled").asBoolean()).isTrue();
        assertThat(json.get("e2e_to_parse_ratio").asDouble()).isEqualTo(0.4);
        assertThat(json.get("e2e_parse_eps_2t").asLong()).isEqualTo(180_000);
        assertThat(json.get("e2e_p1_eps").asLong()).isEqualTo(40_500);
        assertThat(json.get("e2e_p1_incidents_found").asInt()).isEqualTo(20);
        // 72 000 records/s at parallelism 2 against the 27 000 of a 40-unit Standard namespace
        assertThat(json.get("e2e_headroom_vs_27000_eps").asDouble()).isEqualTo(2.667);
        assertThat(json.get("e2e_amqp_eps").asLong()).isEqualTo(54_000);
        assertThat(json.get("e2e_cores_job").asDouble()).isEqualTo(1.5);
        assertThat(json.get("e2e_cores_broker").asDouble()).isEqualTo(0.2);
        assertThat(json.get("e2e_cores_elasticsearch").asDouble()).isEqualTo(0.25);
        assertThat(json.get("e2e_cores_machine").asDouble()).isEqualTo(1.98);
        assertThat(json.get("kafka_source_alone_eps").asLong()).isEqualTo(200_000);
        assertThat(json.get("kafka_source_alone_cores").asDouble()).isEqualTo(1.6);
        // 2 cores / (8 + 11.11 us) per record
        assertThat(json.get("e2e_cpu_bound_eps").asLong()).isEqualTo(104_651);
        assertThat(json.get("e2e_cpu_bound_ratio").asDouble()).isEqualTo(0.581);
        assertThat(json.get("e2e_amqp_to_parse_ratio").asDouble()).isEqualTo(0.3);
        assertThat(json.get("e2e_amqp_incidents_found").asInt()).isEqualTo(22);
        assertThat(json.get("latency_single_p99_ms").asLong()).isEqualTo(900);
        assertThat(json.get("latency_single_p50_ms").asLong()).isEqualTo(400);
        assertThat(json.get("latency_sequence_p99_ms").asLong()).isEqualTo(2_500);
        assertThat(json.get("state_bytes_per_key").asLong()).isEqualTo(700);
        assertThat(json.get("state_extrapolated").asBoolean()).isTrue();
        assertThat(json.get("incidents_expected").asInt()).isEqualTo(22);
        // found exactly once in the pipeline AND end to end
        assertThat(json.get("incidents_found").asInt()).isEqualTo(21);
        assertThat(report(Percentiles.of(List.of())).jsonLine()).doesNotContain("\n");
    }

    @Test
    void anEmptySampleIsNullInJsonAndNotApplicableInTheTable() throws Exception {
        BenchReport report = report(Percentiles.of(List.of()));
        assertThat(new ObjectMapper().readTree(report.jsonLine()).get("latency_sequence_p99_ms").isNull()).isTrue();
        assertThat(report.table()).contains("n/a / n/a");
    }

    @Test
    void theTableSaysWhichTargetsAreMet() {
        String table = report(Percentiles.of(List.of(2_100L, 3_500L))).table();
        assertThat(table).containsPattern("ratio to the 2-thread ceiling +0\\.50 +>= 0\\.50 yes");
        assertThat(table).containsPattern("sequence/burst p99 / max \\(ms\\) +3,500 / 3,500 +< 3000 NO");
        assertThat(table).containsPattern("findings for no injected incident +1 +0 NO");
        assertThat(table).containsPattern("headroom over 27,000 records/s \\(40 TU\\) +2\\.7 x +>= 3 NO");
        assertThat(table).containsPattern("recall: end to end at parallelism 1 +20/22 +all NO");
        assertThat(table).containsPattern("ratio to that ceiling +0\\.40 +>= 0\\.35 yes\n");
        assertThat(table).containsPattern("Kafka source alone, no parsing \\(records/s\\) +200,000");
        assertThat(table).containsPattern("cores busy: job / broker / node \\(machine\\) +1\\.50 / 0\\.20 / 0\\.25 \\(1\\.98\\) +of 2");
        assertThat(table).containsPattern("bound: cores / \\(fetch \\+ pipeline CPU per record\\) +104,651");
    }

    /**
     * 30 000 records/s end to end (0.17); fetching alone at 60 000 records/s on 1.6 cores: 26.7 us
     * per record, with the pipeline 37.8 us, so 2 cores allow 52 941 (0.29).
     */
    private static BenchReport slowEndToEnd(boolean endToEndJitSettled) {
        return new BenchReport("full", "2 cores", 600_000, 1_510, 0.97, 2_000,
                100_000, 180_000, 90_000, 0.5, 30_000, 5_000,
                Percentiles.of(List.of(300L)), Percentiles.of(List.of(2_100L)), 50,
                1_000_000, 700, 900, false, 55, 55, 55, 55, 0, 20_000, 55, 25_000, 55, true,
                60_000, new CpuSampler.Cores(1.2, 0.35, 0.05, 1.65), new CpuSampler.Cores(1.5, 0.2, 0.25, 1.98), 2.0 / 180_000, 2,
                endToEndJitSettled, 180_000, 30_000 / 180_000.0);
    }

    @Test
    void aRatioThatFetchingAndThePipelineAloneRuleOutSaysSo() {
        assertThat(slowEndToEnd(true).table()).containsPattern(
                "ratio to that ceiling +0\\.17 +>= 0\\.35 NO \\(out of reach here: fetching and the pipeline alone allow 0\\.29\\)");
    }

    @Test
    void aRunThatWasNoSteadyStateRulesNothingOut() {
        assertThat(slowEndToEnd(false).table()).containsPattern("ratio to that ceiling +0\\.17 +>= 0\\.35 NO\n");
    }

    @Test
    void aPipelineMeasuredWhileTheJitStillCompiledSaysSo() throws Exception {
        BenchReport report = report(Percentiles.of(List.of(2_100L)), false);
        assertThat(new ObjectMapper().readTree(report.jsonLine()).get("pipeline_jit_settled").asBoolean()).isFalse();
        assertThat(new ObjectMapper().readTree(report.jsonLine()).get("e2e_jit_settled").asBoolean()).isFalse();
        assertThat(report.table()).containsPattern(
                "end to end, Kafka -> Elasticsearch \\(records/s\\) +72,000 +\\(JIT still compiling: no steady state\\)");
        assertThat(report.table()).containsPattern(
                "ratio to the 2-thread ceiling +0\\.50 +>= 0\\.50 yes \\(JIT still compiling: no steady state\\)");
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> hundred = new java.util.ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            hundred.add(i);
        }
        assertThat(Percentiles.of(hundred)).isEqualTo(new Percentiles(100, 50, 99, 100));
        assertThat(Percentiles.of(List.of(7L))).isEqualTo(new Percentiles(1, 7, 7, 7));
    }

    @Test
    void theChartIsAnSvgWithBothCharts() {
        String svg = SvgChart.of(report(Percentiles.of(List.of(2_100L))));
        assertThat(svg).startsWith("<svg").contains("Throughput per stage", "Alert latency at 5000 records/s", "pipeline",
                "sequence p99", "sequence target 3000 ms").endsWith("</svg>\n");
    }
}
