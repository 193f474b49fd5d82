package io.deletionwatch.kibana.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.assets.TemplateFields;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The subset of the Kibana Query Language our assets use, parsed and translated to the
 * Elasticsearch query Kibana would send: {@code field:value}, {@code field:"value"},
 * {@code field:(a or b)}, {@code field:*}, {@code and}, {@code or}, {@code not} and parentheses.
 * Anything else is refused, so an asset cannot use KQL these tests do not check.
 */
public sealed interface Kql {
    ObjectMapper MAPPER = new ObjectMapper();

    /** Every field the query names. */
    default Set<String> fields() {
        Set<String> fields = new LinkedHashSet<>();
        collectFields(fields);
        return fields;
    }

    void collectFields(Set<String> fields);

    /** The Elasticsearch query for this KQL, given the fields' mapped types. */
    ObjectNode toQuery(TemplateFields types);

    record MatchAll() implements Kql {
        @Override
        public void collectFields(Set<String> fields) {}

        @Override
        public ObjectNode toQuery(TemplateFields types) {
            ObjectNode q = MAPPER.createObjectNode();
            q.putObject("match_all");
            return q;
        }
    }

    record And(List<Kql> clauses) implements Kql {
        @Override
        public void collectFields(Set<String> fields) {
            clauses.forEach(c -> c.collectFields(fields));
        }

        @Override
        public ObjectNode toQuery(TemplateFields types) {
            ObjectNode q = MAPPER.createObjectNode();
            ArrayNode filter = q.putObject("bool").putArray("filter");
            clauses.forEach(c -> filter.add(c.toQuery(types)));
            return q;
        }
    }

    record Or(List<Kql> clauses) implements Kql {
        @Override
        public void collectFields(Set<String> fields) {
            clauses.forEach(c -> c.collectFields(fields));
        }

        @Override
        public ObjectNode toQuery(TemplateFields types) {
            ObjectNode q = MAPPER.createObjectNode();
            ObjectNode bool = q.putObject("bool");
            ArrayNode should = bool.putArray("should");
            clauses.forEach(c -> should.add(c.toQuery(types)));
            bool.put("minimum_should_match", 1);
            return q;
        }
    }

    record Not(Kql clause) implements Kql {
        @Override
        public void collectFields(Set<String> fields) {
            clause.collectFields(fields);
        }

        @Override
        public ObjectNode toQuery(TemplateFields types) {
            ObjectNode q = MAPPER.createObjectNode();
            q.putObject("bool").putArray("must_not").add(clause.toQuery(types));
            return q;
        }
    }

    /** {@code field:value}, {@code field:(a or b)} (values), or {@code field:*} (exists). */
    record Match(String field, List<String> values, boolean exists) implements Kql {
        @Override
        public void collectFields(Set<String> fields) {
            fields.add(field);
        }

        @Override
        public ObjectNode toQuery(TemplateFields types) {
            String type =
                    types.type(field)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "KQL names a field the template does not map: " + field));
            ObjectNode q = MAPPER.createObjectNode();
            if (exists) {
                q.putObject("exists").put("field", field);
                return q;
            }
            List<ObjectNode> each = new ArrayList<>();
            for (String value : values) {
                ObjectNode one = MAPPER.createObjectNode();
                if (type.equals("text")) {
                    one.putObject("match_phrase").put(field, value);
                } else if (type.equals("boolean")) {
                    one.putObject("term").put(field, Boolean.parseBoolean(value));
                } else {
                    one.putObject("term").put(field, value);
                }
                each.add(one);
            }
            if (each.size() == 1) {
                return each.get(0);
            }
            ObjectNode bool = q.putObject("bool");
            ArrayNode should = bool.putArray("should");
            each.forEach(should::add);
            bool.put("minimum_should_match", 1);
            return q;
        }
    }

    static Kql parse(String text) {
        Parser parser = new Parser(text);
        if (parser.atEnd()) {
            return new MatchAll();
        }
        Kql query = parser.or();
        if (!parser.atEnd()) {
            throw parser.error("unexpected " + parser.peek());
        }
        return query;
    }

    /** A recursive-descent parser over simple tokens. */
    final class Parser {
        private final String text;
        private final List<String> tokens = new ArrayList<>();
        private int pos;

        Parser(String text) {
            this.text = text;
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '(' || c == ')' || c == ':') {
                    tokens.add(String.valueOf(c));
                    i++;
                } else if (c == '"') {
                    int end = text.indexOf('"', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("unclosed quote in KQL: " + text);
                    }
                    tokens.add(text.substring(i, end + 1));
                    i = end + 1;
                } else {
                    int start = i;
                    while (i < text.length()
                            && !Character.isWhitespace(text.charAt(i))
                            && "():\"".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    String word = text.substring(start, i);
                    if (word.matches("[<>]=?.*") || word.contains("\\")) {
                        throw new IllegalArgumentException("unsupported KQL: " + text);
                    }
                    tokens.add(word);
                }
            }
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        String peek() {
            return atEnd() ? "end" : tokens.get(pos);
        }

        private boolean keyword(String word) {
            if (!atEnd() && tokens.get(pos).toLowerCase(Locale.ROOT).equals(word)) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(String token) {
            if (atEnd() || !tokens.get(pos).equals(token)) {
                throw error("expected " + token + " but found " + peek());
            }
            pos++;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " in KQL: " + text);
        }

        Kql or() {
            List<Kql> clauses = new ArrayList<>(List.of(and()));
            while (keyword("or")) {
                clauses.add(and());
            }
            return clauses.size() == 1 ? clauses.get(0) : new Or(clauses);
        }

        private Kql and() {
            List<Kql> clauses = new ArrayList<>(List.of(not()));
            while (keyword("and")) {
                clauses.add(not());
            }
            return clauses.size() == 1 ? clauses.get(0) : new And(clauses);
        }

        private Kql not() {
            if (keyword("not")) {
                return new Not(not());
            }
            return primary();
        }

        private Kql primary() {
            if (!atEnd() && tokens.get(pos).equals("(")) {
                pos++;
                Kql inner = or();
                expect(")");
                return inner;
            }
            String field = next("a field name");
            if (!field.matches("[A-Za-z0-9_.@]+")) {
                throw error("not a field name: " + field);
            }
            expect(":");
            if (!atEnd() && tokens.get(pos).equals("(")) {
                pos++;
                List<String> values = new ArrayList<>(List.of(value()));
                while (keyword("or")) {
                    values.add(value());
                }
                expect(")");
                return new Match(field, values, false);
            }
            String value = next("a value");
            if (value.equals("*")) {
                return new Match(field, List.of(), true);
            }
            return new Match(field, List.of(unquote(value)), false);
        }

        private String value() {
            String value = next("a value");
            if (value.equals("*") || value.equals("(") || value.equals(")")) {
                throw error("unsupported value " + value);
            }
            return unquote(value);
        }

        private String next(String what) {
            if (atEnd()) {
                throw error("expected " + what);
            }
            return tokens.get(pos++);
        }

        private String unquote(String value) {
            if (value.startsWith("\"")) {
                return value.substring(1, value.length() - 1);
            }
            if (value.contains("*")) {
                throw error("wildcards are not used in our assets: " + value);
            }
            return value;
        }
    }
}
