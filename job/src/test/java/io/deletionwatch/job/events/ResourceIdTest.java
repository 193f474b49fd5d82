package io.deletionwatch.job.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceIdTest {
    @Test
    void shouldTakeAnUpperCasedNsgIdApartAndKeepTheOriginalForDisplay() {
        ResourceId id =
                ResourceId.parse(
                        "/SUBSCRIPTIONS/6A3C1D2E-0000-4000-8000-00000000ABCD/RESOURCEGROUPS/RG-Prod/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-Web/");

        assertThat(id.id())
                .isEqualTo("/SUBSCRIPTIONS/6A3C1D2E-0000-4000-8000-00000000ABCD/RESOURCEGROUPS/RG-Prod/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-Web");
        assertThat(id.key())
                .isEqualTo("/subscriptions/6a3c1d2e-0000-4000-8000-00000000abcd/resourcegroups/rg-prod/providers/microsoft.network/networksecuritygroups/nsg-web");
        assertThat(id.subscriptionId()).isEqualTo("6a3c1d2e-0000-4000-8000-00000000abcd");
        assertThat(id.resourceGroup()).isEqualTo("RG-Prod");
        assertThat(id.fullType()).isEqualTo("microsoft.network/networksecuritygroups");
        assertThat(id.name()).isEqualTo("NSG-Web");
    }

    @Test
    void shouldJoinChildTypesAndTakeTheLastNameForSubnetsAndRules() {
        ResourceId subnet =
                ResourceId.parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/web");
        assertThat(subnet.fullType()).isEqualTo("microsoft.network/virtualnetworks/subnets");
        assertThat(subnet.name()).isEqualTo("web");
    }

    @Test
    void shouldUseTheLastProviderOfAnExtensionResource() {
        ResourceId setting =
                ResourceId.parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg/providers/microsoft.insights/diagnosticSettings/to-la");
        assertThat(setting.fullType()).isEqualTo("microsoft.insights/diagnosticsettings");
        assertThat(setting.name()).isEqualTo("to-la");
        assertThat(setting.resourceGroup()).isEqualTo("rg");
    }

    @Test
    void shouldRecogniseResourceGroupsAndSubscriptions() {
        assertThat(ResourceId.parse("/subscriptions/S/resourceGroups/rg").fullType())
                .isEqualTo("microsoft.resources/resourcegroups");
        assertThat(ResourceId.parse("/subscriptions/S").fullType()).isEqualTo("microsoft.resources/subscriptions");
        assertThat(ResourceId.parse("not-an-arm-id").fullType()).isNull();
    }

    @Test
    void shouldKeepTheCaseOfANameWhoseLowerCaseIsLongerAndStillMatchTheLowerCasedParts() {
        // 'İ' lower-cases to two characters: the segments must still line up
        ResourceId id =
                ResourceId.parse("/SUBSCRIPTIONS/S1/resourceGroups/İSTANBUL-RG/providers/Microsoft.Compute/virtualMachines/VM-İ1");

        assertThat(id.resourceGroup()).isEqualTo("İSTANBUL-RG");
        assertThat(id.subscriptionId()).isEqualTo("s1");
        assertThat(id.fullType()).isEqualTo("microsoft.compute/virtualmachines");
        assertThat(id.name()).isEqualTo("VM-İ1");
        assertThat(id.key()).isEqualTo("/subscriptions/s1/resourcegroups/i̇stanbul-rg/providers/microsoft.compute/virtualmachines/vm-i̇1");
    }

    @Test
    void shouldAnswerIsOfTypeExactlyAsFullTypeEqualsWould() {
        ResourceId rule =
                ResourceId.parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg/securityRules/r1");
        ResourceId group = ResourceId.parse("/subscriptions/s/resourceGroups/rg");
        ResourceId other = ResourceId.parse("not-an-arm-id");

        assertThat(rule.isOfType("microsoft.network/networksecuritygroups/securityrules")).isTrue();
        assertThat(rule.isOfType("microsoft.network/networksecuritygroups")).isFalse();
        assertThat(rule.isOfType("microsoft.network/networksecuritygroupssecurityrules")).isFalse();
        assertThat(rule.isOfType("microsoft.networkXnetworksecuritygroups/securityrules")).isFalse();
        assertThat(rule.isOfType("Microsoft.Network/networkSecurityGroups/securityRules")).isFalse();
        assertThat(group.isOfType("microsoft.resources/resourcegroups")).isTrue();
        assertThat(other.isOfType("microsoft.resources/resourcegroups")).isFalse();
    }

    @Test
    void shouldSplitSegmentsAsStringSplitDoesForEveryIdThatReachesIt() {
        // parse has stripped trailing slashes, except from "/" itself
        for (String id : new String[] {"", "/", "a", "/a", "a/b", "/a//b", "//a", "/subscriptions/s/resourceGroups/rg"}) {
            String[] expected = id.startsWith("/") ? id.substring(1).split("/") : id.split("/");
            assertThat(ResourceId.segments(id)).as(id).containsExactly(expected);
        }
    }

    @Test
    void shouldTakeOnlyWhatLowerCasesToTheArmWordsAsTheirSegments() {
        // 'ſ' upper-cases to 'S' and 'İ' lower-cases to two characters: neither is the ARM word
        ResourceId longS = ResourceId.parse("/ſubscriptions/s1/resourceGroups/rg");
        ResourceId dottedI = ResourceId.parse("/SUBSCRİPTIONS/s1/PROVİDERS/a/b/c");
        ResourceId mixed = ResourceId.parse("/SubScriptions/S1/ResourceGROUPS/Rg/PROVIDERS/Microsoft.Web/Sites/w");

        assertThat(longS.subscriptionId()).isNull();
        assertThat(longS.resourceGroup()).isEqualTo("rg");
        assertThat(dottedI.subscriptionId()).isNull();
        assertThat(dottedI.fullType()).isNull();
        assertThat(mixed.subscriptionId()).isEqualTo("s1");
        assertThat(mixed.resourceGroup()).isEqualTo("Rg");
        assertThat(mixed.fullType()).isEqualTo("microsoft.web/sites");
    }
}
