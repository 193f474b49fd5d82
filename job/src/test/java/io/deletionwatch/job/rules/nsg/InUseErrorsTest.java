package io.deletionwatch.job.rules.nsg;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.events.ResourceId;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.TestBodies;
import org.junit.jupiter.api.Test;

class InUseErrorsTest {
    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");
    private static final String NSG_KEY = ResourceId.parse(NSG).key();
    private static final String SUBNET = Ids.subnet("rg-prod", "vnet-prod", "web");
    private static final String NIC = Ids.nic("rg-prod", "vm-web-1-nic");

    @Test
    void shouldListTheSubnetsAndTheNicsOfIpConfigurationsThatHoldTheNsg() {
        String message =
                TestBodies.nsgInUse(
                        NSG, SUBNET, Ids.ipConfiguration("rg-prod", "vm-web-1-nic", "ipconfig1"));

        assertThat(InUseErrors.holders(message, NSG_KEY)).containsExactly(SUBNET, NIC);
    }

    @Test
    void shouldListANicOnceWhateverTheCaseOrTheNumberOfItsIpConfigurations() {
        String message =
                TestBodies.nsgInUse(
                        NSG,
                        Ids.ipConfiguration("rg-prod", "vm-web-1-nic", "ipconfig1"),
                        Ids.ipConfiguration("rg-prod", "vm-web-1-nic", "ipconfig2").toUpperCase(),
                        NIC);

        assertThat(InUseErrors.holders(message, NSG_KEY)).containsExactly(NIC);
    }

    @Test
    void shouldReadThePlainTextFormAndAnUpperCaseCode() {
        String message =
                "INUSENETWORKSECURITYGROUPCANNOTBEDELETED: Network security group "
                        + NSG
                        + " cannot be deleted because it is in use by the following resources: ["
                        + SUBNET
                        + "].";

        assertThat(InUseErrors.holders(message, NSG_KEY)).containsExactly(SUBNET);
    }

    @Test
    void shouldReadIdsWhoseSlashesTheJsonEscaped() {
        String message = TestBodies.nsgInUse(NSG, SUBNET).replace("/", "\\/");

        assertThat(InUseErrors.holders(message, NSG_KEY)).containsExactly(SUBNET);
    }

    @Test
    void shouldIgnoreOtherErrors() {
        String other = "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"" + SUBNET + "\"}}";

        assertThat(InUseErrors.isInUse(other)).isFalse();
        assertThat(InUseErrors.holders(other, NSG_KEY)).isEmpty();
        assertThat(InUseErrors.holders(null, NSG_KEY)).isEmpty();
    }
}
