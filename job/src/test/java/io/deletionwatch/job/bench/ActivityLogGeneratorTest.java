package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.bench.ActivityLogGenerator.ExpectedFinding;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.bench.ActivityLogGenerator.Settings;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParseOutput;
import io.deletionwatch.job.rules.DetectionRule;
import io.deletionwatch.job.rules.Rules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ActivityLogGeneratorTest {
    private static final Instant BASE = Instant.parse("2026-03-01T00:00:00Z");
    private static final Settings SETTINGS = Settings.of(7L, 40_000, 5_000, 3);
    private static GeneratedLog log;
    private static List<ActivityEvent> events;
    private static int deadLetters;

    @BeforeAll
    static void generateAndParse() {
        log = ActivityLogGenerator.generate(SETTINGS, BASE);
        events = new ArrayList<>();
        ActivityLogParser parser = new ActivityLogParser();
        ParseOutput out = new ParseOutput() {
            @Override
            public void event(ActivityEvent event) {
                events.add(event);
            }

            @Override
            public void deadLetter(DeadLetter deadLetter) {
                deadLetters++;
            }

            @Override
            public void skipped(String category) {}
        };
        long offset = 0;
        for (ActivityLogGenerator.Envelope e : log.envelopes()) {
            parser.parse(new KafkaRecord("t", 0, offset++, 0, e.value()), out);
        }
    }

    @Test
    void everyRecordParsesIntoOneEvent() {
        assertThat(deadLetters).isZero();
        assertThat(events).hasSize((int) log.records());
        assertThat(log.envelopes().stream().mapToLong(ActivityLogGenerator.Envelope::records).sum()).isEqualTo(log.records());
        assertThat(log.records()).isGreaterThanOrEqualTo(SETTINGS.records());
    }

    @Test
    void injectsTheSameIncidentsForEveryRuleWithTheFindingsEachMustMake() {
        Map<String, Long> byRule = log.expected().stream()
                .collect(Collectors.groupingBy(ExpectedFinding::ruleId, TreeMap::new, Collectors.counting()));
        // per incident set: nsg-deleted also fires for the two NSG sequences, logging-disabled
        // for the logging sequence, nsg-disassociated-then-deleted for a forced deletion
        assertThat(byRule).containsExactlyInAnyOrderEntriesOf(Map.of(
                "nsg-deleted", 9L,
                "nsg-rule-changed", 3L,
                "nsg-disassociated-then-deleted", 6L,
                "nsg-forced-deletion", 3L,
                "mass-deletion", 3L,
                "logging-disabled", 6L,
                "logging-disabled-then-deletion", 3L));
        assertThat(log.expected()).extracting(e -> e.ruleId() + "|" + e.key()).doesNotHaveDuplicates();
    }

    @Test
    void atLeast95PercentOfTheRowsAreOfNoInterestToAnyRule() {
        List<DetectionRule> rules = Rules.all();
        long relevant = events.stream().filter(e -> rules.stream().anyMatch(r -> r.accepts(e))).count();
        assertThat(1.0 - relevant / (double) events.size()).isGreaterThanOrEqualTo(0.95);
        assertThat(log.stats().irrelevantOperations() / (double) log.stats().operations()).isGreaterThanOrEqualTo(0.95);
        // and still enough relevant traffic to keep the rules' state busy
        assertThat(relevant).isGreaterThan(events.size() / 100);
    }

    @Test
    void recordsAreAboutOneAndAHalfKilobytes() {
        double mean = log.stats().bytes() / (double) log.records();
        assertThat(mean).isBetween(1_300.0, 1_800.0);
        Set<Integer> envelopeSizes = new HashSet<>();
        log.envelopes().forEach(e -> envelopeSizes.add(e.records()));
        assertThat(envelopeSizes).contains(1, 2, 3, 4).anyMatch(size -> size > 16);
    }

    @Test
    void hasPhasesAndTransportDuplicates() {
        Set<String> phases = events.stream().map(ActivityEvent::phase).collect(Collectors.toSet());
        assertThat(phases).contains("Start", "Accept", "Success", "Failure");
        assertThat(log.stats().duplicates()).isBetween(log.records() / 100, log.records() / 25);
    }

    @Test
    void spreadsOverThousandsOfCallersAndResources() {
        Set<String> callers = events.stream().map(e -> e.caller().key()).collect(Collectors.toSet());
        Set<String> resources = events.stream().map(e -> e.resource().key()).collect(Collectors.toSet());
        assertThat(log.stats().callers()).isEqualTo(10_000);
        assertThat(callers).hasSizeGreaterThan(9_900); // the 10 000 plus 21 attackers
        assertThat(resources).hasSizeGreaterThan(15_000);
        assertThat(log.stats().resources()).isEqualTo(resources.size() - incidentResources());
    }

    private static int incidentResources() {
        Set<String> ids = new HashSet<>();
        events.stream().map(e -> e.resource().key()).filter(k -> k.contains("incident")).forEach(ids::add);
        return ids.size();
    }

    @Test
    void isDeterministicBySeed() {
        GeneratedLog again = ActivityLogGenerator.generate(SETTINGS, BASE);
        GeneratedLog other = ActivityLogGenerator.generate(Settings.of(8L, 40_000, 5_000, 3), BASE);
        assertThat(again.envelopes()).hasSameSizeAs(log.envelopes());
        for (int i = 0; i < log.envelopes().size(); i++) {
            assertThat(again.envelopes().get(i).value()).isEqualTo(log.envelopes().get(i).value());
        }
        assertThat(again.expected()).isEqualTo(log.expected());
        assertThat(other.envelopes().get(0).value()).isNotEqualTo(log.envelopes().get(0).value());
    }

    @Test
    void theEventTimeRateIsTheRequestedOne() {
        // between the 10th and the 90th percentile envelope: the edges hold incidents' lead and tail
        List<ActivityLogGenerator.Envelope> envelopes = log.envelopes();
        int from = envelopes.size() / 10;
        int to = envelopes.size() * 9 / 10;
        long records = envelopes.subList(from, to).stream().mapToLong(ActivityLogGenerator.Envelope::records).sum();
        double rate = records / ((envelopes.get(to).offsetMillis() - envelopes.get(from).offsetMillis()) / 1000.0);
        assertThat(rate).isBetween(4_000.0, 6_000.0);
    }
}
