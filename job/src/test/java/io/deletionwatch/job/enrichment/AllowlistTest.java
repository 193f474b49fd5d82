package io.deletionwatch.job.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.events.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowlistTest {
    private static final Caller USER =
            new Caller("11111111-aaaa-4bbb-8ccc-000000000001", "alice@contoso.com", "alice@contoso.com", null, Caller.USER);
    private static final Caller PIPELINE =
            new Caller("44444444-dddd-4eee-8fff-000000000004", "9f1c0d2e-7a6b", null, "9f1c0d2e-7a6b", Caller.SERVICE_PRINCIPAL);

    @Test
    void shouldMatchObjectIdsUpnsAndAppIdsInAnyCase() {
        assertThat(Allowlist.of(List.of("11111111-AAAA-4BBB-8CCC-000000000001")).matches(USER)).isTrue();
        assertThat(Allowlist.of(List.of(" Alice@Contoso.com ")).matches(USER)).isTrue();
        assertThat(Allowlist.of(List.of("9F1C0D2E-7A6B")).matches(PIPELINE)).isTrue();
        assertThat(Allowlist.of(List.of("bob@contoso.com")).matches(USER)).isFalse();
        assertThat(Allowlist.NONE.matches(Caller.NONE)).isFalse();
    }

    @Test
    void shouldReadOneCallerPerLineWithCommentsAndCommas(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("allowlist.txt");
        Files.writeString(
                file,
                "# network admins\nalice@contoso.com\n\n9f1c0d2e-7a6b  # the IaC pipeline\nx@contoso.com, y@contoso.com\n");

        Allowlist allowlist = Allowlist.load(file);

        assertThat(allowlist.callers())
                .containsExactlyInAnyOrder("alice@contoso.com", "9f1c0d2e-7a6b", "x@contoso.com", "y@contoso.com");
        assertThat(allowlist.plus(Allowlist.of(List.of("z@contoso.com"))).callers()).hasSize(5);
    }
}
