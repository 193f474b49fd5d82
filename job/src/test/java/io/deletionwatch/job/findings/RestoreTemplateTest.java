package io.deletionwatch.job.findings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The restore template is valid ARM for {@code Microsoft.Network/networkSecurityGroups}: checked
 * field by field against facts of the public schema (test resource {@code
 * arm/network-security-group-schema-facts.json}, its source noted inside).
 */
class RestoreTemplateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NSG =
            "/subscriptions/6a3c1d2e-0000-4000-8000-00000000abcd/resourceGroups/rg-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-web";
    private static JsonNode facts;

    @BeforeAll
    static void readFacts() throws Exception {
        try (InputStream in = RestoreTemplateTest.class.getResourceAsStream("/arm/network-security-group-schema-facts.json")) {
            facts = MAPPER.readTree(in);
        }
    }

    private static NsgSecurityRule rule(String name, Integer priority, String direction, String access, String protocol,
            List<String> sources, List<String> ports, String description) {
        return new NsgSecurityRule(name, priority, direction, access, protocol, sources, List.of("*"), List.of("*"), ports, description, 0, false);
    }

    private static NsgRestore restore(String location, Map<String, String> tags, List<NsgSecurityRule> rules) {
        return new NsgRestore(NSG, Instant.parse("2026-03-01T10:00:00Z"), "c-1", location, tags, rules,
                List.of(NSG.replace("networkSecurityGroups/nsg-web", "virtualNetworks/vnet/subnets/web")), List.of(), false);
    }

    @Test
    void shouldWriteATemplateThatTheNetworkSecurityGroupSchemaAccepts() throws Exception {
        NsgRestore restore = restore("westeurope", Map.of("env", "prod"), List.of(
                rule("allow-https", 100, "Inbound", "Allow", "Tcp", List.of("Internet"), List.of("443"), "public web"),
                rule("allow-ops", 110, "inbound", "allow", "tcp", List.of("10.0.0.0/8", "192.168.0.0/16"), List.of("22", "3389"), null),
                rule("deny-all-out", 4096, "Outbound", "Deny", "*", List.of("*"), List.of("*"), null)));

        JsonNode template = MAPPER.readTree(RestoreTemplate.armTemplate(restore));

        assertValid(template);
        JsonNode rules = template.at("/resources/0/properties/securityRules");
        assertThat(rules).hasSize(3);
        assertThat(rules.get(1).path("properties").path("sourceAddressPrefixes")).extracting(JsonNode::asText)
                .containsExactly("10.0.0.0/8", "192.168.0.0/16");
        assertThat(rules.get(1).path("properties").path("destinationPortRanges")).extracting(JsonNode::asText)
                .containsExactly("22", "3389");
        assertThat(rules.get(1).at("/properties/protocol").asText()).isEqualTo("Tcp");
        assertThat(template.at("/resources/0/tags/env").asText()).isEqualTo("prod");
    }

    @Test
    void shouldLeaveOutRulesARMWouldRefuseAndUseTheResourceGroupsLocationWhenUnknown() throws Exception {
        NsgRestore restore = restore(null, Map.of(), List.of(
                rule("ok", 100, "Inbound", "Allow", "Tcp", List.of("*"), List.of("80"), null),
                rule("no-priority", null, "Inbound", "Allow", "Tcp", List.of("*"), List.of("80"), null),
                rule("odd-protocol", 120, "Inbound", "Allow", "Carrier-Pigeon", List.of("*"), List.of("80"), null),
                rule("no-ports", 130, "Inbound", "Allow", "Tcp", List.of("*"), List.of(), null)));

        JsonNode template = MAPPER.readTree(RestoreTemplate.armTemplate(restore));

        assertValid(template);
        assertThat(template.at("/resources/0/properties/securityRules")).extracting(r -> r.path("name").asText()).containsExactly("ok");
        assertThat(template.at("/resources/0/location").asText()).isEqualTo("[resourceGroup().location]");
        assertThat(RestoreTemplate.incompleteRules(restore)).containsExactly("no-priority", "odd-protocol", "no-ports");
    }

    @Test
    void shouldQuoteIdsInTheCommandsSoThatNoIdCanInjectShell() {
        NsgRestore restore = new NsgRestore(NSG, Instant.EPOCH, null, null, Map.of(), List.of(),
                List.of("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a';rm -rf ~;'"),
                List.of("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-1"), false);

        assertThat(RestoreTemplate.reattachCommands(restore)).containsExactly(
                "az network vnet subnet update --ids '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a'\\'';rm -rf ~;'\\'''"
                        + " --network-security-group '" + NSG + "'",
                "az network nic update --ids '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-1'"
                        + " --network-security-group '" + NSG + "'");
    }

    /** Every field the template writes is one the schema has, of its type, with its required fields. */
    static void assertValid(JsonNode template) {
        for (JsonNode required : facts.at("/deploymentTemplate/required")) {
            assertThat(template.has(required.asText())).as("template has %s", required).isTrue();
        }
        assertThat(template.path("resources").isArray()).isTrue();
        JsonNode nsg = template.path("resources").get(0);
        JsonNode resource = facts.path("resource");
        assertThat(names(nsg)).isSubsetOf(texts(resource.path("properties")));
        assertThat(names(nsg)).containsAll(texts(resource.path("required")));
        assertThat(nsg.path("type").asText()).isEqualTo(resource.path("type").asText());
        assertThat(nsg.path("apiVersion").asText()).isEqualTo(resource.path("apiVersion").asText());
        assertThat(nsg.path("name").isTextual()).isTrue();
        assertThat(nsg.path("location").isTextual()).isTrue();
        if (nsg.has("tags")) {
            nsg.path("tags").forEach(v -> assertThat(v.isTextual()).isTrue());
        }
        assertTypes(nsg.path("properties"), facts.at("/networkSecurityGroupProperties/properties"));
        JsonNode ruleFacts = facts.path("securityRuleProperties");
        for (JsonNode rule : nsg.at("/properties/securityRules")) {
            assertThat(names(rule)).isSubsetOf(texts(facts.at("/securityRule/properties")));
            assertThat(rule.path("name").isTextual()).isTrue();
            JsonNode p = rule.path("properties");
            assertThat(names(p)).containsAll(texts(ruleFacts.path("required")));
            assertTypes(p, ruleFacts.path("properties"));
            Iterator<Map.Entry<String, JsonNode>> enums = ruleFacts.path("enums").fields();
            while (enums.hasNext()) {
                Map.Entry<String, JsonNode> e = enums.next();
                assertThat(texts(e.getValue())).as(e.getKey()).contains(p.path(e.getKey()).asText());
            }
            for (String twin : List.of("sourceAddressPrefix", "sourcePortRange", "destinationAddressPrefix", "destinationPortRange")) {
                String plural = twin + (twin.endsWith("Prefix") ? "es" : "s");
                assertThat(p.has(twin) ^ p.has(plural)).as("exactly one of %s, %s", twin, plural).isTrue();
            }
            int priority = p.path("priority").asInt();
            assertThat(priority).isBetween(ruleFacts.at("/priorityRange/0").asInt(), ruleFacts.at("/priorityRange/1").asInt());
        }
    }

    private static void assertTypes(JsonNode object, JsonNode types) {
        assertThat(names(object)).isSubsetOf(names(types));
        object.fields().forEachRemaining(field -> {
            String type = types.path(field.getKey()).asText();
            JsonNode v = field.getValue();
            switch (type) {
                case "string" -> assertThat(v.isTextual()).as(field.getKey()).isTrue();
                case "integer" -> assertThat(v.isIntegralNumber()).as(field.getKey()).isTrue();
                case "boolean" -> assertThat(v.isBoolean()).as(field.getKey()).isTrue();
                case "array" -> assertThat(v.isArray()).as(field.getKey()).isTrue();
                default -> throw new AssertionError("no type for " + field.getKey());
            }
        });
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(v -> texts.add(v.asText()));
        return texts;
    }
}
