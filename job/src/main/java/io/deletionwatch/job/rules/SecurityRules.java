package io.deletionwatch.job.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.job.findings.NsgRuleChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads an NSG security rule from the body of its write. */
public final class SecurityRules {
    /** Sources that mean "anyone": Azure's wildcards and service tags for the whole Internet. */
    static final Set<String> ANY_SOURCE = Set.of("*", "0.0.0.0/0", "internet", "any", "::/0");

    private SecurityRules() {}

    /**
     * The rule a body describes, or null when the body has no rule properties.
     *
     * @param ruleName the name from the resource id, used when the body names none
     */
    public static NsgRuleChange fromBody(String json, String ruleName) {
        JsonNode body = Bodies.object(json);
        JsonNode properties = Bodies.properties(body);
        if (properties == null) {
            return null;
        }
        String name = Bodies.text(Bodies.field(body, "name"));
        String access = Bodies.text(Bodies.field(properties, "access"));
        String direction = Bodies.text(Bodies.field(properties, "direction"));
        String protocol = Bodies.text(Bodies.field(properties, "protocol"));
        List<String> sources =
                values(properties, "sourceAddressPrefix", "sourceAddressPrefixes");
        List<String> ports =
                values(properties, "destinationPortRange", "destinationPortRanges");
        if (access == null && direction == null && sources.isEmpty() && ports.isEmpty()) {
            return null;
        }
        return new NsgRuleChange(
                name != null ? name : ruleName,
                access,
                direction,
                protocol,
                sources.isEmpty() ? null : String.join(",", sources),
                ports.isEmpty() ? null : String.join(",", ports),
                opensInboundFromAny(access, direction, sources));
    }

    /** The rule of a delete: only its name is known. */
    public static NsgRuleChange deleted(String ruleName) {
        return new NsgRuleChange(ruleName, null, null, null, null, null, false);
    }

    static boolean opensInboundFromAny(String access, String direction, List<String> sources) {
        if (!"allow".equalsIgnoreCase(access) || !"inbound".equalsIgnoreCase(direction)) {
            return false;
        }
        return sources.stream().anyMatch(s -> ANY_SOURCE.contains(s.toLowerCase(Locale.ROOT)));
    }

    /** A single-valued field and its plural twin, e.g. a port range and a list of them. */
    private static List<String> values(JsonNode properties, String single, String plural) {
        List<String> values = new ArrayList<>();
        String one = Bodies.text(Bodies.field(properties, single));
        if (one != null) {
            values.add(one);
        }
        JsonNode many = Bodies.field(properties, plural);
        if (many != null && many.isArray()) {
            for (JsonNode value : many) {
                String text = Bodies.text(value);
                if (text != null && !values.contains(text)) {
                    values.add(text);
                }
            }
        }
        return values;
    }
}
