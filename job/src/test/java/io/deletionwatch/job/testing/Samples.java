package io.deletionwatch.job.testing;

import io.deletionwatch.connectors.source.KafkaRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The public sample records in ../shared/samples and records read from them. */
public final class Samples {
    private Samples() {}

    public static Path dir() {
        Path fromModule = Path.of("..", "..", "shared", "samples");
        if (Files.isDirectory(fromModule)) {
            return fromModule;
        }
        return Path.of("..", "shared", "samples");
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new IllegalStateException("sample " + name + " is missing", e);
        }
    }

    public static KafkaRecord record(String name) {
        return new KafkaRecord(name, 0, 0, 0, bytes(name));
    }
}
