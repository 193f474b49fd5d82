package io.deletionwatch.job.rules.nsg;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.events.ResourceId;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.TestBodies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NsgBodiesTest {
    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");
    private static final ResourceId SUBNET = ResourceId.parse(Ids.subnet("rg-prod", "vnet-prod", "web"));
    private static final ResourceId NIC = ResourceId.parse(Ids.nic("rg-prod", "nic-1"));

    @Test
    void shouldReadTheNsgASubnetBodyNames() {
        assertThat(NsgBodies.ofHolder(SUBNET, TestBodies.subnet("web", NSG)))
                .containsExactly(new Attachment(SUBNET.key(), SUBNET.id(), NSG));
    }

    @Test
    void shouldReadASubnetBodyWithoutNsgAsNoNsg() {
        assertThat(NsgBodies.ofHolder(SUBNET, TestBodies.subnet("web", null)))
                .containsExactly(new Attachment(SUBNET.key(), SUBNET.id(), null));
    }

    @Test
    void shouldReadAnExplicitNullNsgAsNoNsg() {
        String body = "{\"properties\":{\"addressPrefix\":\"10.0.1.0/24\",\"networkSecurityGroup\":null}}";

        assertThat(NsgBodies.ofHolder(SUBNET, body))
                .containsExactly(new Attachment(SUBNET.key(), SUBNET.id(), null));
    }

    @Test
    void shouldReadTheNsgOfANicBody() {
        assertThat(NsgBodies.ofHolder(NIC, TestBodies.nic(SUBNET.id(), NSG)))
                .containsExactly(new Attachment(NIC.key(), NIC.id(), NSG));
    }

    @Test
    void shouldNotGuessFromABodyWithoutProperties() {
        assertThat(NsgBodies.ofHolder(SUBNET, null)).isNull();
        assertThat(NsgBodies.ofHolder(SUBNET, "{}")).isNull();
        assertThat(NsgBodies.ofHolder(SUBNET, "not json")).isNull();
    }

    @Test
    void shouldReadTheInlineSubnetsOfAVnetBodyNamingThemUnderTheVnet() {
        ResourceId vnet = ResourceId.parse(Ids.vnet("rg-prod", "vnet-prod"));
        Map<String, String> subnets = new LinkedHashMap<>();
        subnets.put("web", NSG);
        subnets.put("data", null);

        List<Attachment> attachments = NsgBodies.ofVnet(vnet, TestBodies.vnet(subnets));

        ResourceId data = ResourceId.parse(Ids.subnet("rg-prod", "vnet-prod", "data"));
        assertThat(attachments)
                .containsExactly(
                        new Attachment(SUBNET.key(), SUBNET.id(), NSG),
                        new Attachment(data.key(), data.id(), null));
    }

    @Test
    void shouldNotReadSubnetsFromAVnetBodyThatListsNone() {
        ResourceId vnet = ResourceId.parse(Ids.vnet("rg-prod", "vnet-prod"));

        assertThat(NsgBodies.ofVnet(vnet, "{\"properties\":{\"addressSpace\":{}}}")).isNull();
    }

    @Test
    void shouldReadTheSubnetsAndNicsAnNsgBodyListsAsAttachedToIt() {
        ResourceId nsg = ResourceId.parse(NSG);

        List<Attachment> attachments =
                NsgBodies.ofNsg(nsg, TestBodies.nsg(List.of(SUBNET.id()), List.of(NIC.id())));

        assertThat(attachments)
                .containsExactly(
                        new Attachment(SUBNET.key(), SUBNET.id(), NSG),
                        new Attachment(NIC.key(), NIC.id(), NSG));
    }
}
