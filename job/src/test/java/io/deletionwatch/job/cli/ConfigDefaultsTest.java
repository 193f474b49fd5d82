package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

class ConfigDefaultsTest {
    @TempDir Path dir;

    private static OptionSpec option(String name, String defaultValue) {
        return OptionSpec.builder(name).type(String.class).defaultValue(defaultValue).build();
    }

    @Test
    void shouldPreferTheConfigFileThenTheEnvironmentThenTheDefault() throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"), "group-id = from-file\n");
        ConfigDefaults defaults =
                ConfigDefaults.from(
                        new String[] {"run", "--config", config.toString()},
                        Map.of("DELETION_WATCH_GROUP_ID", "from-env", "DELETION_WATCH_ES_URL", "http://es:9200"));

        assertThat(defaults.defaultValue(option("--group-id", "deletion-watch"))).isEqualTo("from-file");
        assertThat(defaults.defaultValue(option("--es-url", "http://localhost:9200"))).isEqualTo("http://es:9200");
        assertThat(defaults.defaultValue(option("--topic", "insights-activity-logs"))).isEqualTo("insights-activity-logs");
        assertThat(defaults.unknownKeys(Set.of("group-id"))).isEmpty();
        assertThat(defaults.unknownKeys(Set.of("es-url"))).containsExactly("group-id");
    }
}
