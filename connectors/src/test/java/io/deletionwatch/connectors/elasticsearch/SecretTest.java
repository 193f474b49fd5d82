package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {
    @TempDir Path dir;

    @Test
    void anEnvironmentSecretIsReadFromItsVariable() throws IOException {
        assertThat(Secret.environment("ES_API_KEY").resolve(Map.of("ES_API_KEY", "abc==")))
                .isEqualTo("abc==");
    }

    @Test
    void aFileSecretIsReadWithoutItsTrailingLineBreak() throws IOException {
        Path file = Files.writeString(dir.resolve("es-password"), "s3cret\n");

        assertThat(Secret.file(file.toString()).resolve(Map.of())).isEqualTo("s3cret");
    }

    @Test
    void aMissingSecretIsReportedByNameOnly() throws IOException {
        assertThatThrownBy(() -> Secret.environment("ES_API_KEY").resolve(Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("environment variable ES_API_KEY is not set in this process");
        assertThatThrownBy(() -> Secret.file(dir.resolve("missing").toString()).resolve(Map.of()))
                .hasMessage("secret file " + dir.resolve("missing") + " does not exist");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> Secret.file(empty.toString()).resolve(Map.of()))
                .hasMessage("secret file " + empty + " is empty");
    }

    @Test
    void toStringShowsTheReference() {
        assertThat(Secret.environment("ES_PASSWORD")).hasToString("env:ES_PASSWORD");
        assertThat(Secret.file("/run/secrets/pw")).hasToString("file:/run/secrets/pw");
    }
}
