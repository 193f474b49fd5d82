package io.deletionwatch.job.findings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpAddressesTest {
    @Test
    void acceptsTheLiteralsAnElasticsearchIpFieldTakes() {
        for (String ip :
                List.of(
                        "0.0.0.0",
                        "255.255.255.255",
                        "203.0.113.7",
                        "::",
                        "::1",
                        "1::",
                        "2001:db8::1",
                        "2001:DB8::ff00:42:8329",
                        "1:2:3:4:5:6:7:8",
                        "1:2:3:4:5:6:7::",
                        "::2:3:4:5:6:7:8",
                        "::ffff:192.0.2.1",
                        "0:0:0:0:0:ffff:192.0.2.1",
                        "64:ff9b::198.51.100.1")) {
            assertThat(IpAddresses.isLiteral(ip)).as(ip).isTrue();
        }
    }

    @Test
    void refusesEverythingElseWithoutLookingItUp() {
        for (String text :
                java.util.Arrays.asList(
                        null,
                        "",
                        "not-an-ip",
                        "localhost",
                        "management.azure.com",
                        "1.2.3",
                        "1.2.3.4.5",
                        "1.2.3.",
                        "256.1.1.1",
                        "01.2.3.4",
                        "1.2.3.4:443",
                        " 1.2.3.4",
                        "１.２.３.４",
                        "1:2:3:4:5:6:7:8:9",
                        "1:2:3:4:5:6:7",
                        "1::2::3",
                        ":::",
                        ":1:2:3:4:5:6:7",
                        "1:2:3:4:5:6:7:",
                        "12345::",
                        "g::1",
                        "fe80::1%eth0",
                        "[2001:db8::1]",
                        "::ffff:192.0.2",
                        "::ffff:192.0.2.1:1",
                        "1.2.3.4::",
                        "1:2:3:4:5:6:7:1.2.3.4")) {
            assertThat(IpAddresses.isLiteral(text)).as(String.valueOf(text)).isFalse();
        }
    }
}
