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
}
