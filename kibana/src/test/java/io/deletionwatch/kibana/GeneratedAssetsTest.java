package io.deletionwatch.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.kibana.assets.AssetFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed asset files are exactly what the definitions (in {@code assets/}) generate, and
 * the jar carries the same bytes. To regenerate after changing a definition:
 * {@code mvn -pl kibana -am verify -Dtest=GeneratedAssetsTest -Ddeletionwatch.writeAssets=true}
 * (then run again without the flag).
 */
class GeneratedAssetsTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void committedFilesAreWhatTheDefinitionsGenerate() throws IOException {
        Map<String, byte[]> generated = AssetFiles.generate();
        if (Boolean.getBoolean("deletionwatch.writeAssets")) {
            for (Map.Entry<String, byte[]> file : generated.entrySet()) {
                Path path = MODULE.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
        }
        for (Map.Entry<String, byte[]> file : generated.entrySet()) {
            Path path = MODULE.resolve(file.getKey());
            assertThat(path).as("committed asset %s", file.getKey()).exists();
            assertThat(Files.readString(path, StandardCharsets.UTF_8))
                    .as("%s differs from its definition; regenerate it", file.getKey())
                    .isEqualTo(new String(file.getValue(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyAssetFileIsGeneratedAndPackagedAsIs() throws IOException {
        Map<String, byte[]> generated = AssetFiles.generate();
        try (var files = Files.walk(MODULE)) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(p -> MODULE.relativize(p).toString().replace('\\', '/'))
                            .filter(p -> p.startsWith("saved-objects/")
                                    || p.startsWith("alert-rules/")
                                    || p.startsWith("detection-rules/")))
                    .as("asset files on disk")
                    .containsExactlyInAnyOrderElementsOf(generated.keySet());
        }
        for (String asset : generated.keySet()) {
            assertThat(KibanaAssets.read(asset))
                    .as("packaged %s", asset)
                    .isEqualTo(Files.readAllBytes(MODULE.resolve(asset)));
        }
        assertThat(KibanaAssets.ALERT_RULES)
                .containsExactlyInAnyOrderElementsOf(
                        generated.keySet().stream().filter(p -> p.startsWith("alert-rules/")).toList());
    }
}
