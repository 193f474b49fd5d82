package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert rule file under {@code kibana/alert-rules/}: the body of Kibana's create-rule API with
 * {@code ${...}} placeholders that setup fills in.
 *
 * <ul>
 *   <li>{@code ${connector.<channel>}}: an action's connector id. Actions whose channel is not
 *       configured are dropped.
 *   <li>{@code ${email.to}}: the recipients, as a JSON array when it is a whole string.
 *   <li>{@code ${kibana.url}}: the Kibana URL people open (with the space), for links.
 * </ul>
 */
public final class AlertRuleTemplate {
    public static final String CONNECTOR_PREFIX = "connector.";
    public static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z.]+)}");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertRuleTemplate() {}

    public static ObjectNode parse(byte[] json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("an alert rule file is not JSON", e);
        }
    }

    /** Every placeholder name the template uses. */
    public static Set<String> placeholders(JsonNode template) {
        Set<String> names = new TreeSet<>();
        collect(template, names);
        return names;
    }

    private static void collect(JsonNode node, Set<String> names) {
        if (node.isTextual()) {
            Matcher m = PLACEHOLDER.matcher(node.asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        node.forEach(child -> collect(child, names));
    }

    /**
     * The rule body to send: actions kept only for the connectors in {@code values}, every
     * placeholder replaced.
     *
     * @param values placeholder name to value (a text, or an array for {@code email.to})
     * @throws IllegalArgumentException when the template uses a placeholder with no value
     */
    public static ObjectNode fill(ObjectNode template, Map<String, JsonNode> values) {
        ObjectNode rule = template.deepCopy();
        JsonNode actions = rule.path("actions");
        if (actions.isArray()) {
            Iterator<JsonNode> it = ((ArrayNode) actions).elements();
            while (it.hasNext()) {
                Matcher m = PLACEHOLDER.matcher(it.next().path("id").asText());
                if (m.matches()
                        && m.group(1).startsWith(CONNECTOR_PREFIX)
                        && !values.containsKey(m.group(1))) {
                    it.remove();
                }
            }
        }
        return (ObjectNode) substitute(rule, values);
    }

    private static JsonNode substitute(JsonNode node, Map<String, JsonNode> values) {
        if (node.isTextual()) {
            String text = node.asText();
            Matcher whole = PLACEHOLDER.matcher(text);
            if (whole.matches()) {
                return value(whole.group(1), values).deepCopy();
            }
            Matcher m = PLACEHOLDER.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                JsonNode value = value(m.group(1), values);
                if (!value.isTextual()) {
                    throw new IllegalArgumentException(
                            "placeholder ${" + m.group(1) + "} is a list and must be a whole string");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value.asText()));
            }
            m.appendTail(out);
            return new TextNode(out.toString());
        }
        if (node.isObject()) {
            ObjectNode copy = MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                copy.set(e.getKey(), substitute(e.getValue(), values));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = MAPPER.createArrayNode();
            node.forEach(child -> copy.add(substitute(child, values)));
            return copy;
        }
        return node;
    }

    private static JsonNode value(String name, Map<String, JsonNode> values) {
        JsonNode value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no value for placeholder ${" + name + "}");
        }
        return value;
    }
}
