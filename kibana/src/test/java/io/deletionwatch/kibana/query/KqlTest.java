package io.deletionwatch.kibana.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.kibana.assets.TemplateFields;
import org.junit.jupiter.api.Test;

class KqlTest {
    private final TemplateFields findings = TemplateFields.findings();

    @Test
    void anEmptyQueryMatchesEverything() {
        assertThat(Kql.parse("  ").toQuery(findings).toString()).isEqualTo("{\"match_all\":{}}");
    }

    @Test
    void aValueOnAKeywordIsATermQuery() {
        assertThat(Kql.parse("rule.id:\"nsg-deleted\"").toQuery(findings).toString())
                .isEqualTo("{\"term\":{\"rule.id\":\"nsg-deleted\"}}");
    }

    @Test
    void aBooleanValueIsABooleanTerm() {
        assertThat(Kql.parse("deletion_watch.allowlisted:true").toQuery(findings).toString())
                .isEqualTo("{\"term\":{\"deletion_watch.allowlisted\":true}}");
    }

    @Test
    void aValueListIsAnyOfItsValues() {
        assertThat(Kql.parse("rule.id:(\"a\" or b)").toQuery(findings).toString())
                .isEqualTo("{\"bool\":{\"should\":[{\"term\":{\"rule.id\":\"a\"}},{\"term\":{\"rule.id\":\"b\"}}],"
                        + "\"minimum_should_match\":1}}");
    }

    @Test
    void andBindsTighterThanOrAndNotNegates() {
        Kql query = Kql.parse("a.b:x or c:y and not d:z");
        assertThat(query).isEqualTo(new Kql.Or(java.util.List.of(
                new Kql.Match("a.b", java.util.List.of("x"), false),
                new Kql.And(java.util.List.of(
                        new Kql.Match("c", java.util.List.of("y"), false),
                        new Kql.Not(new Kql.Match("d", java.util.List.of("z"), false)))))));
        assertThat(query.fields()).containsExactly("a.b", "c", "d");
    }

    @Test
    void aStarIsAnExistsQuery() {
        assertThat(Kql.parse("source.ip:*").toQuery(findings).toString())
                .isEqualTo("{\"exists\":{\"field\":\"source.ip\"}}");
    }

    @Test
    void textFieldsArePhraseMatched() {
        assertThat(Kql.parse("message:\"deleted network\"").toQuery(findings).toString())
                .isEqualTo("{\"match_phrase\":{\"message\":\"deleted network\"}}");
    }

    @Test
    void unmappedFieldsAndUnsupportedSyntaxAreRefused() {
        assertThatThrownBy(() -> Kql.parse("nope.field:x").toQuery(findings))
                .hasMessageContaining("nope.field");
        assertThatThrownBy(() -> Kql.parse("user.name:al*")).hasMessageContaining("wildcards");
        assertThatThrownBy(() -> Kql.parse("event.severity >= 73")).hasMessageContaining("unsupported");
        assertThatThrownBy(() -> Kql.parse("rule.id:(a or b")).hasMessageContaining("expected )");
    }
}
