package io.deletionwatch.job.findings;

import static io.deletionwatch.job.testing.ActivityRecords.BEGINNING;
import static io.deletionwatch.job.testing.ActivityRecords.nsgId;
import static io.deletionwatch.job.testing.ActivityRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.PipelineHarness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where {@code callerIpAddress} goes. Elasticsearch refuses a whole document whose {@code ip} field
 * is no IP, so only IP literals go to {@code source.ip} and {@code related.ip}; {@code
 * source.address} (ECS: the raw address, always) keeps whatever the Activity Log said, so the
 * analyst sees it either way.
 */
class FindingDocumentTest {
    private static final String NSG_DELETE = "Microsoft.Network/networkSecurityGroups/delete";

    /** callerIpAddress as the record gives it (null: no such field) → the finding's document. */
    private static final Map<String, ObjectNode> DOCUMENTS = new LinkedHashMap<>();

    private static final List<String> CALLER_ADDRESSES =
            java.util.Arrays.asList(
                    "203.0.113.7",
                    "2001:db8::1",
                    "::ffff:192.0.2.1",
                    "2001:0db8:0000:0000:0000:ff00:0042:8329",
                    "not-an-ip",
                    "management.azure.com",
                    "203.0.113.7:443",
                    "203.0.113.256",
                    "010.0.0.1",
                    "fe80::1%eth0",
                    "[2001:db8::1]",
                    "",
                    null);

    @BeforeAll
    static void detect() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>();
        for (int n = 0; n < CALLER_ADDRESSES.size(); n++) {
            rows.add(
                    record(NSG_DELETE, nsgId("rg", "nsg-" + n), "Success", "corr-" + n, BEGINNING.plusSeconds(n))
                            .set("callerIpAddress", CALLER_ADDRESSES.get(n)));
        }
        List<Finding> findings = PipelineHarness.run(DetectionConfig.defaults(), rows).of("nsg-deleted");
        assertThat(findings).hasSize(CALLER_ADDRESSES.size());
        for (int n = 0; n < CALLER_ADDRESSES.size(); n++) {
            String nsg = "nsg-" + n;
            Finding finding =
                    findings.stream().filter(f -> f.resource().name().equals(nsg)).findFirst().orElseThrow();
            DOCUMENTS.put(String.valueOf(CALLER_ADDRESSES.get(n)), FindingDocument.toJson(finding));
        }
    }

    @Test
    void anIpv4AddressGoesToEveryAddressField() {
        assertIp("203.0.113.7");
    }

    @Test
    void ipv6AddressesInEveryFormGoToEveryAddressField() {
        assertIp("2001:db8::1");
        assertIp("::ffff:192.0.2.1");
        assertIp("2001:0db8:0000:0000:0000:ff00:0042:8329");
    }

    @Test
    void whatIsNoIpLiteralIsKeptAsTheSourceAddressOnly() {
        for (String notAnIp :
                List.of(
                        "not-an-ip",
                        "management.azure.com",
                        "203.0.113.7:443",
                        "203.0.113.256",
                        "010.0.0.1",
                        "fe80::1%eth0",
                        "[2001:db8::1]")) {
            ObjectNode document = DOCUMENTS.get(notAnIp);
            assertThat(document.path("source").properties())
                    .as(notAnIp)
                    .singleElement()
                    .satisfies(
                            field -> {
                                assertThat(field.getKey()).isEqualTo("address");
                                assertThat(field.getValue().asText()).isEqualTo(notAnIp);
                            });
            assertThat(document.path("related").has("ip")).as(notAnIp).isFalse();
            assertThat(document.at("/related/user").size()).as(notAnIp).isPositive();
        }
    }

    @Test
    void anEmptyOrMissingCallerAddressWritesNoSourceAtAll() {
        for (String absent : List.of("", "null")) {
            ObjectNode document = DOCUMENTS.get(absent);
            assertThat(document.has("source")).as(absent).isFalse();
            assertThat(document.path("related").has("ip")).as(absent).isFalse();
        }
    }

    private static void assertIp(String ip) {
        ObjectNode document = DOCUMENTS.get(ip);
        assertThat(document.path("source").properties())
                .as(ip)
                .extracting(Map.Entry::getKey)
                .containsExactly("address", "ip");
        assertThat(document.at("/source/address").asText()).isEqualTo(ip);
        assertThat(document.at("/source/ip").asText()).isEqualTo(ip);
        assertThat(document.at("/related/ip")).hasSize(1);
        assertThat(document.at("/related/ip/0").asText()).isEqualTo(ip);
    }
}
