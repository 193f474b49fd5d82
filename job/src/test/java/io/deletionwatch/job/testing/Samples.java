package io.deletionwatch.job.testing;

import io.deletionwatch.connectors.source.KafkaRecord;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The public sample records in the test resources' {@code public-samples/} (their sources and
 * licences in its {@code SOURCES.txt}) and records read from them.
 */
public final class Samples {
    private static final String DIR = "/public-samples/";

    private Samples() {}

    public static Path dir() {
        URL sources = Samples.class.getResource(DIR + "SOURCES.txt");
        if (sources == null) {
            throw new IllegalStateException("the test resources have no " + DIR);
        }
        try {
            return Path.of(sources.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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
