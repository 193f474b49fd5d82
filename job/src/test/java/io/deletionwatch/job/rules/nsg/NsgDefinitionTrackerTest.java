package io.deletionwatch.job.rules.nsg;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.findings.NsgSecurityRule;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.rules.NsgDeletedRule;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.CollectingParseOutput;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.NsgBodiesForRestore;
import io.deletionwatch.job.testing.NsgBodiesForRestore.Rule;
import io.deletionwatch.job.testing.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The {@code nsg-definitions} operator on a harness: its TTL, savepoints, the byte cap and ordering. */
class NsgDefinitionTrackerTest {
    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");
    private static final Duration TTL = Duration.ofDays(90);
    private static final Duration SNAPSHOT_TTL = Duration.ofHours(6);
    private static final Rule HTTPS = new Rule("allow-https", 100, "Inbound", "Allow", "Tcp", "Internet", "443", null);
    private static final Rule SSH = new Rule("allow-ssh", 110, "Inbound", "Allow", "Tcp", "10.0.0.0/8", "22", null);

    private static KeyedTwoInputStreamOperatorTestHarness<String, NsgDefinitionChange, Finding, Finding> harness(int capBytes)
            throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new NsgDefinitionTracker(TTL, SNAPSHOT_TTL, capBytes)),
                NsgDefinitionChange::nsgKey,
                f -> f.resource().key(),
                Types.STRING);
    }

    private static List<ActivityEvent> events(Op op) {
        CollectingParseOutput out = new CollectingParseOutput();
        for (ActivityRecords row : op.rows()) {
            new ActivityLogParser().parse(ActivityRecords.kafka(0, row.text()), out);
        }
        return out.events;
    }

    /** Feeds the op's success rows as the pipeline would; returns the findings its delete makes. */
    private static void feed(KeyedTwoInputStreamOperatorTestHarness<String, NsgDefinitionChange, Finding, Finding> h, Op op)
            throws Exception {
        for (ActivityEvent e : events(op)) {
            for (NsgDefinitionChange c : NsgDefinitionBodies.changes(e)) {
                h.processElement1(new StreamRecord<>(c, e.time().toEpochMilli()));
            }
        }
    }

    private static Finding deletionFinding(Op delete) {
        ActivityEvent success = events(delete).stream().filter(ActivityEvent::succeeded).findFirst().orElseThrow();
        return NsgDeletedRule.finding(success);
    }

    private static List<Finding> output(KeyedTwoInputStreamOperatorTestHarness<String, NsgDefinitionChange, Finding, Finding> h) {
        List<Finding> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((Finding) r.getValue());
            }
        }
        return out;
    }

    private static Op created(List<Rule> rules) {
        return Op.write(NSG).at(minute(0)).response(NsgBodiesForRestore.nsg("westeurope", Map.of(), rules, List.of(), List.of()));
    }

    @Test
    void shouldForgetTheDefinitionOnceTheTtlHasPassedSinceTheLastWrite() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            h.setStateTtlProcessingTime(0);
            feed(h, created(List.of(HTTPS)));
            h.setStateTtlProcessingTime(TTL.toMillis() + 1);
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            assertThat(output(h)).singleElement().satisfies(f -> {
                assertThat(f.details().restore()).isNull();
                assertThat(f.message()).endsWith(NsgRestores.NOTHING_KNOWN);
            });
        }
    }

    @Test
    void shouldKeepTheDefinitionJustBeforeTheTtl() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            h.setStateTtlProcessingTime(0);
            feed(h, created(List.of(HTTPS)));
            h.setStateTtlProcessingTime(TTL.toMillis() - 1);
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            assertThat(output(h)).singleElement()
                    .satisfies(f -> assertThat(f.details().restore().securityRules()).extracting(NsgSecurityRule::name).containsExactly("allow-https"));
        }
    }

    @Test
    void shouldKeepTheDefinitionAcrossARestoreFromASavepoint() throws Exception {
        OperatorSubtaskState savepoint;
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            feed(h, created(List.of(HTTPS)));
            savepoint = h.snapshot(1L, 1L);
        }
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.initializeState(savepoint);
            h.open();
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            assertThat(output(h)).singleElement().satisfies(f -> {
                assertThat(f.details().restore().securityRules()).extracting(NsgSecurityRule::name).containsExactly("allow-https");
                assertThat(f.details().restore().location()).isEqualTo("westeurope");
            });
        }
    }

    @Test
    void shouldCompleteAFindingThatArrivesBeforeItsDeletion() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            feed(h, created(List.of(HTTPS)));
            Op delete = Op.delete(NSG).at(minute(30));
            h.processElement2(new StreamRecord<>(deletionFinding(delete), minute(30).toEpochMilli()));
            assertThat(output(h)).isEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            feed(h, delete);

            assertThat(output(h)).singleElement()
                    .satisfies(f -> assertThat(f.details().restore().securityRules()).hasSize(1));
        }
    }

    @Test
    void shouldSendAFindingWithoutADefinitionWhenItsDeletionNeverArrives() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            feed(h, created(List.of(HTTPS)));
            Finding finding = deletionFinding(Op.delete(NSG).at(minute(30)));
            h.processElement2(new StreamRecord<>(finding, minute(30).toEpochMilli()));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(
                    minute(30).plus(NsgDefinitionTracker.PENDING_GRACE).toEpochMilli()));

            assertThat(output(h)).singleElement().satisfies(f -> assertThat(f.message()).endsWith(NsgRestores.NOTHING_KNOWN));
        }
    }

    @Test
    void shouldTruncateADefinitionOverTheCapKeepingTheFirstRules() throws Exception {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rules.add(new Rule("rule-" + i, 100 + i, "Inbound", "Deny", "Tcp", "10.0." + i + ".0/24", String.valueOf(1000 + i), "x".repeat(100)));
        }
        int cap = 4096;
        try (var h = harness(cap)) {
            h.open();
            feed(h, Op.write(NSG).at(minute(0)).response(
                    NsgBodiesForRestore.nsg("westeurope", Map.of("owner", "netops"), rules, List.of(Ids.subnet("rg-prod", "vnet", "a")), List.of())));
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            Finding f = output(h).get(0);
            var restore = f.details().restore();
            assertThat(restore.truncated()).isTrue();
            assertThat(restore.tags()).isEmpty();
            assertThat(restore.subnets()).isEmpty();
            assertThat(restore.securityRules()).allSatisfy(r -> assertThat(r.description()).isNull());
            int kept = restore.securityRules().size();
            assertThat(kept).isBetween(10, 59);
            // the rules evaluated first are the ones kept
            assertThat(restore.securityRules()).extracting(NsgSecurityRule::name)
                    .isEqualTo(rules.subList(0, kept).stream().map(Rule::name).toList());
            assertThat(f.message()).contains(kept + " security rules").contains(", truncated)");
        }
    }

    @Test
    void shouldSurviveHostileBodiesAndStillCompleteTheFinding() throws Exception {
        String wrongTypes =
                "{\"location\": 42, \"tags\": [\"a\"], \"properties\": {\"securityRules\": ["
                        + "{\"name\": \"odd\", \"properties\": {\"priority\": \"abc\", \"access\": {\"x\": 1},"
                        + " \"sourceAddressPrefixes\": \"not-an-array\", \"destinationPortRanges\": [1, null, {}]}},"
                        + " \"not a rule\", 17, {\"properties\": {}}]}}";
        String hugeName = "{\"properties\": {\"securityRules\": [{\"name\": \"" + "n".repeat(600_000)
                + "\", \"properties\": {\"priority\": 100}}]}}";
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            feed(h, Op.write(NSG).at(minute(0)).response("this is not JSON {"));
            feed(h, Op.write(NSG).at(minute(1)).response(wrongTypes));
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            Finding f = output(h).get(0);
            var restore = f.details().restore();
            assertThat(restore.location()).isEqualTo("42");
            assertThat(restore.tags()).isEmpty();
            assertThat(restore.securityRules()).singleElement().satisfies(r -> {
                assertThat(r.name()).isEqualTo("odd");
                assertThat(r.priority()).isNull();
                assertThat(r.access()).isNull();
                assertThat(r.destinationPortRanges()).containsExactly("1");
            });
            // the rule lacks what ARM requires: the template leaves it out rather than guess
            String template = io.deletionwatch.job.findings.RestoreTemplate.armTemplate(restore);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(template)
                    .at("/resources/0/properties/securityRules")).isEmpty();
        }
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            feed(h, Op.write(NSG).at(minute(0)).response(hugeName));
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            // even one rule name is over the cap: only what identifies the NSG is kept
            Finding f = output(h).get(0);
            assertThat(f.details().restore().truncated()).isTrue();
            assertThat(f.details().restore().securityRules()).isEmpty();
            assertThat(f.message()).endsWith("(0 security rules, written " + minute(0) + ", truncated) is in deletion_watch.restore");
        }
    }

    @Test
    void shouldKeepItsStateAsPojosNotWithKryo() throws Exception {
        for (Class<?> type : List.of(NsgDefinition.class, NsgDefinitionChange.class, NsgSecurityRule.class,
                NsgDefinitionTracker.NsgRestoreSnapshot.class, NsgDefinitionTracker.DeletionRecord.class, io.deletionwatch.job.findings.NsgRestore.class)) {
            assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(type)).as(type.getSimpleName())
                    .isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
        }
        NsgDefinition definition = NsgDefinition.of(NSG, NsgDefinitionBodies.changes(
                events(created(List.of(HTTPS))).stream().filter(ActivityEvent::succeeded).findFirst().orElseThrow()));
        var serializer = org.apache.flink.api.common.typeinfo.TypeInformation.of(NsgDefinition.class)
                .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        var out = new org.apache.flink.core.memory.DataOutputSerializer(256);
        serializer.serialize(definition, out);
        NsgDefinition copy = serializer.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(copy).isEqualTo(definition);
        assertThat(copy.rules()).extracting(NsgSecurityRule::name).containsExactly("allow-https");
    }

    @Test
    void shouldSendAFindingAgainWhenAWriteFromBeforeItsDeletionArrivesAfterIt() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));
            assertThat(output(h)).singleElement().satisfies(f -> {
                assertThat(f.details().restore()).isNull();
                assertThat(f.message()).endsWith(NsgRestores.NOTHING_KNOWN);
                assertThat(FindingDocument.version(f)).isEqualTo(1);
            });

            feed(h, created(List.of(HTTPS)));
            feed(h, Op.write(Ids.securityRule("rg-prod", "nsg-web", "allow-ssh")).at(minute(10)).response(SSH.body()));

            List<Finding> out = output(h);
            assertThat(out).hasSize(3);
            assertThat(out).extracting(Finding::id).containsOnly(out.get(0).id());
            assertThat(out).extracting(FindingDocument::version).containsExactly(1L, 2L, 3L);
            assertThat(out.get(1).details().restore().securityRules()).extracting(NsgSecurityRule::name)
                    .containsExactly("allow-https");
            Finding last = out.get(2);
            assertThat(last.details().restore().securityRules()).extracting(NsgSecurityRule::name)
                    .containsExactly("allow-https", "allow-ssh");
            assertThat(last.details().restore().location()).isEqualTo("westeurope");
            assertThat(last.details().restore().lastSeen()).isEqualTo(minute(10));
            assertThat(last.message())
                    .isEqualTo(deletionFinding(delete).message()
                            + "; its last known definition (2 security rules, written " + minute(10)
                            + ") is in deletion_watch.restore");
        }
    }

    @Test
    void shouldSendNothingAgainForALateWriteThatChangesNothingTheFindingsCarry() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            feed(h, Op.write(NSG).at(minute(10)).response(NsgBodiesForRestore.nsg("westeurope", Map.of(), List.of(HTTPS), List.of(), List.of())));
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            feed(h, Op.write(NSG).at(minute(5)).response(NsgBodiesForRestore.nsg("northeurope", Map.of(), List.of(SSH), List.of(), List.of())));

            assertThat(output(h)).singleElement().satisfies(f -> {
                assertThat(f.details().restore().securityRules()).extracting(NsgSecurityRule::name).containsExactly("allow-https");
                assertThat(FindingDocument.version(f)).isEqualTo(1);
            });
        }
    }

    @Test
    void shouldNotLetAWriteFromBeforeADeletionBringTheDeletedNsgBack() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            Op first = Op.delete(NSG).at(minute(30));
            feed(h, first);
            h.processElement2(new StreamRecord<>(deletionFinding(first)));
            feed(h, created(List.of(HTTPS))); // minute 0: the first NSG's, late
            Op second = Op.delete(NSG).at(minute(50));
            feed(h, second);
            h.processElement2(new StreamRecord<>(deletionFinding(second)));

            List<Finding> out = output(h);
            assertThat(out).hasSize(3);
            assertThat(out.get(1).correlationId()).isEqualTo(first.correlationId());
            assertThat(out.get(1).details().restore().securityRules()).hasSize(1);
            assertThat(out.get(2).correlationId()).isEqualTo(second.correlationId());
            assertThat(out.get(2).message()).endsWith(NsgRestores.NOTHING_KNOWN);
        }
    }

    @Test
    void shouldCompleteAFindingThatArrivesAfterTheLateWriteWithoutSendingItTwice() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            feed(h, created(List.of(HTTPS)));
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));

            assertThat(output(h)).singleElement().satisfies(f -> {
                assertThat(f.details().restore().securityRules()).hasSize(1);
                assertThat(FindingDocument.version(f)).isEqualTo(1);
            });
        }
    }

    @Test
    void shouldKeepWhatADeletionFoundAcrossARestoreFromASavepoint() throws Exception {
        OperatorSubtaskState savepoint;
        Op delete = Op.delete(NSG).at(minute(30));
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));
            savepoint = h.snapshot(1L, 1L);
        }
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.initializeState(savepoint);
            h.open();
            feed(h, created(List.of(HTTPS)));

            assertThat(output(h)).singleElement().satisfies(f -> {
                assertThat(f.details().restore().securityRules()).extracting(NsgSecurityRule::name).containsExactly("allow-https");
                assertThat(FindingDocument.version(f)).isEqualTo(2);
            });
        }
    }

    @Test
    void shouldForgetWhatADeletionFoundOnceTheSnapshotTtlHasPassed() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            h.setStateTtlProcessingTime(0);
            Op delete = Op.delete(NSG).at(minute(30));
            feed(h, delete);
            h.processElement2(new StreamRecord<>(deletionFinding(delete)));
            h.setStateTtlProcessingTime(SNAPSHOT_TTL.toMillis() + 1);
            feed(h, created(List.of(HTTPS)));

            assertThat(output(h)).singleElement().satisfies(f -> assertThat(f.message()).endsWith(NsgRestores.NOTHING_KNOWN));
        }
    }

    @Test
    void shouldSendAFindingThatWaitedForItsDeletionAgainWhenTheEarlierWriteArrives() throws Exception {
        try (var h = harness(NsgDefinitionTracker.DEFAULT_CAP_BYTES)) {
            h.open();
            Op delete = Op.delete(NSG).at(minute(30));
            h.processElement2(new StreamRecord<>(deletionFinding(delete), minute(30).toEpochMilli()));
            feed(h, delete);
            feed(h, created(List.of(HTTPS)));

            List<Finding> out = output(h);
            assertThat(out).extracting(FindingDocument::version).containsExactly(1L, 2L);
            assertThat(out.get(0).message()).endsWith(NsgRestores.NOTHING_KNOWN);
            assertThat(out.get(1).details().restore().securityRules()).extracting(NsgSecurityRule::name).containsExactly("allow-https");
        }
    }
}
