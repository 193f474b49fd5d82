package io.deletionwatch.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.deletionwatch.kibana.assets.TemplateFields;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped detection rules against what Elastic demands of its own prebuilt rules: the rule API
 * schema of Elastic Stack 9.5 and the checks of elastic/detection-rules' {@code
 * tests/test_all_rules.py} that apply to a query rule (test data and its source in {@code
 * src/test/resources/elastic-detection-rules/}). Each test names the Elastic test it mirrors.
 */
class ElasticRuleRequirementsTest {
    private static final String DIR = "/elastic-detection-rules/";
    private static final List<JsonNode> RULES = DetectionRulesTest.rules();
    /** TestRiskScoreMismatch: the risk score range of each severity. */
    private static final Map<String, int[]> RISK_RANGES =
            Map.of("critical", new int[] {74, 100}, "high", new int[] {48, 73},
                    "medium", new int[] {22, 47}, "low", new int[] {0, 21});
    /** ATT&CK: the tactic each technique the rules use belongs to. */
    private static final Map<String, Set<String>> TECHNIQUE_TACTICS =
            Map.of("T1562", Set.of("TA0005"), "T1485", Set.of("TA0040"));

    private static Schema querySchema() {
        try (InputStream in = ElasticRuleRequirementsTest.class.getResourceAsStream(DIR + "9.5.query.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> expectedTags() {
        try (InputStream in = ElasticRuleRequirementsTest.class.getResourceAsStream(DIR + "expected-rule-tags.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(JsonNode rule) {
        return rule.path("name").asText();
    }

    @Test
    void everyRuleValidatesAgainstTheRuleApiSchemaOf95() {
        Schema schema = querySchema();
        assertThat(RULES).hasSize(7);
        for (JsonNode rule : RULES) {
            assertThat(schema.validate(rule)).extracting(Error::getMessage).as(name(rule)).isEmpty();
        }
    }

    @Test
    void theSchemaCheckRefusesWhatTheApiRefuses() {
        Schema schema = querySchema();
        ObjectNode unknownField = ((ObjectNode) RULES.get(0).deepCopy()).put("enabeld", true);
        ObjectNode badSeverity = ((ObjectNode) RULES.get(0).deepCopy()).put("severity", "severe");
        ObjectNode extraRequiredFieldKey = (ObjectNode) RULES.get(0).deepCopy();
        ((ObjectNode) extraRequiredFieldKey.withArray("required_fields").get(0)).put("kind", "keyword");

        assertThat(schema.validate(unknownField)).extracting(Error::toString).singleElement().asString().contains("enabeld");
        assertThat(schema.validate(badSeverity)).extracting(Error::toString).singleElement().asString().contains("severity");
        assertThat(schema.validate(extraRequiredFieldKey)).extracting(Error::toString).singleElement().asString().contains("kind");
    }

    /** test_from_filed_value, test_max_signals_note, test_index_or_data_view_id_present. */
    @Test
    void lookBackMaxSignalsAndIndexAreAsElasticRequires() {
        for (JsonNode rule : RULES) {
            assertThat(rule.path("from").asText()).as(name(rule)).matches("^now-\\d+[yMwdhHms]$");
            assertThat(rule.path("max_signals").asInt()).as(name(rule)).isBetween(1, 999);
            assertThat(rule.path("index").size()).as(name(rule)).isPositive();
        }
    }

    /** TestRuleTiming.test_event_override: a KQL rule looks back over event.ingested. */
    @Test
    void kqlRulesLookBackOverEventIngestedFarEnoughForAMissedRun() {
        for (JsonNode rule : RULES) {
            assertThat(rule.path("timestamp_override").asText()).as(name(rule)).isEqualTo("event.ingested");
            Duration interval = duration(rule.path("interval").asText());
            Duration lookBack = duration(rule.path("from").asText().substring("now-".length()));
            // One whole interval more than the schedule, so a run that starts late misses nothing.
            assertThat(lookBack).as(name(rule)).isGreaterThanOrEqualTo(interval.multipliedBy(2));
        }
    }

    /** test_casing_and_spacing, test_tag_prefix, test_no_duplicate_tags. */
    @Test
    void tagsHaveElasticsPrefixesAndCasingOnce() {
        List<String> expected = expectedTags();
        Set<String> prefixes = expected.stream().map(t -> t.split(":")[0] + ":").collect(Collectors.toSet());
        Map<String, String> casing = expected.stream()
                .collect(Collectors.toMap(t -> t.toLowerCase(java.util.Locale.ROOT), t -> t, (a, b) -> a));
        for (JsonNode rule : RULES) {
            List<String> tags = new ArrayList<>();
            rule.path("tags").forEach(t -> tags.add(t.asText()));
            assertThat(tags).as(name(rule)).doesNotHaveDuplicates();
            for (String tag : tags) {
                assertThat(prefixes).as(name(rule) + ": " + tag).anyMatch(tag::contains);
                String known = casing.get(tag.toLowerCase(java.util.Locale.ROOT));
                assertThat(known == null || known.equals(tag)).as(name(rule) + ": casing of " + tag).isTrue();
            }
        }
    }

    /** test_primary_tactic_as_tag, test_tactic_to_technique_correlations. */
    @Test
    void eachThreatTacticIsATagAndEachTechniqueBelongsToItsTactic() {
        for (JsonNode rule : RULES) {
            Set<String> tactics = new HashSet<>();
            for (JsonNode threat : rule.path("threat")) {
                String tacticId = threat.path("tactic").path("id").asText();
                tactics.add("Tactic: " + threat.path("tactic").path("name").asText());
                for (JsonNode technique : threat.path("technique")) {
                    assertThat(TECHNIQUE_TACTICS.get(technique.path("id").asText()))
                            .as(name(rule) + ": " + technique.path("id").asText())
                            .contains(tacticId);
                }
            }
            Set<String> tacticTags = new HashSet<>();
            rule.path("tags").forEach(t -> {
                if (t.asText().startsWith("Tactic: ")) {
                    tacticTags.add(t.asText());
                }
            });
            assertThat(tacticTags).as(name(rule)).isEqualTo(tactics);
        }
    }

    /** TestRiskScoreMismatch.test_rule_risk_score_severity_mismatch. */
    @Test
    void riskScoresLieInTheirSeveritysRange() {
        for (JsonNode rule : RULES) {
            int[] range = RISK_RANGES.get(rule.path("severity").asText());
            assertThat(rule.path("risk_score").asInt()).as(name(rule)).isBetween(range[0], range[1]);
        }
    }

    /**
     * TestInvestigationGuide (test_note_contains_triage_and_analysis,
     * test_investigation_guide_uses_rule_name) and test_investigation_guide_tag; the sections of
     * Elastic's guides, each with content.
     */
    @Test
    void everyRuleHasAnInvestigationGuideInElasticsLayout() {
        Pattern section = Pattern.compile("(?m)^### (.+)$");
        for (JsonNode rule : RULES) {
            String note = rule.path("note").asText();
            assertThat(note).as(name(rule)).startsWith("## Triage and analysis\n\n### Investigating " + name(rule) + "\n");
            List<String> sections = section.matcher(note).results().map(m -> m.group(1)).toList();
            assertThat(sections).as(name(rule)).containsExactly("Investigating " + name(rule),
                    "Possible investigation steps", "False positive analysis", "Response and remediation");
            for (String part : note.substring(note.indexOf("### ")).split("(?m)^### ")) {
                if (part.isEmpty()) {
                    continue;
                }
                assertThat(part.lines().skip(1).filter(l -> !l.isBlank()).count()).as(name(rule) + ": " + part).isPositive();
            }
            assertThat(rule.path("tags")).extracting(JsonNode::asText).as(name(rule)).contains("Resources: Investigation Guide");
            assertThat(rule.path("setup").asText()).as(name(rule)).startsWith("## Setup\n");
            assertThat(rule.path("references").size()).as(name(rule)).isPositive();
        }
    }

    @Test
    void theNsgDeletionGuidesSayHowToPutTheNsgBack() {
        for (JsonNode rule : RULES) {
            String note = rule.path("note").asText();
            boolean deletesAnNsg = rule.path("query").asText().matches(".*rule\\.id:\"nsg-(deleted|disassociated-then-deleted|forced-deletion)\".*");
            assertThat(note.contains("bin/deletion-watch restore --finding <event.id>")).as(name(rule)).isEqualTo(deletesAnNsg);
        }
    }

    /** Required and investigation fields exist in the findings template, so Kibana can show them. */
    @Test
    void requiredAndInvestigationFieldsAreMappedByTheFindingsTemplate() {
        TemplateFields template = TemplateFields.findings();
        for (JsonNode rule : RULES) {
            List<String> fields = new ArrayList<>();
            rule.path("required_fields").forEach(f -> {
                fields.add(f.path("name").asText());
                assertThat(f.path("ecs").asBoolean()).as(f.toString()).isEqualTo(!f.path("name").asText().startsWith("deletion_watch."));
            });
            rule.path("investigation_fields").path("field_names").forEach(f -> fields.add(f.asText()));
            for (String field : fields) {
                assertThat(template.type(field)).as(name(rule) + ": " + field).isPresent();
            }
            assertThat(rule.path("required_fields")).extracting(f -> f.path("name").asText())
                    .as(name(rule)).contains("event.kind", "rule.id", "deletion_watch.allowlisted", "event.ingested");
        }
    }

    @Test
    void rulesImportDisabled() {
        assertThat(RULES).allSatisfy(rule -> assertThat(rule.path("enabled").asBoolean(true)).as(name(rule)).isFalse());
    }

    private static Duration duration(String value) {
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h', 'H' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException(value);
        };
    }
}
