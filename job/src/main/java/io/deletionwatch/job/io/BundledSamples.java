package io.deletionwatch.job.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Activity Log samples shipped in the job jar. The demo sample is two hours of ordinary activity
 * with one incident for every rule (see {@code job/samples/README.md}).
 */
public final class BundledSamples {
    /** Where the demo sample is on the classpath. */
    public static final String DEMO = "/samples/activity-log-demo.ndjson";

    private BundledSamples() {}

    public static InputStream openDemo() throws IOException {
        InputStream in = BundledSamples.class.getResourceAsStream(DEMO);
        if (in == null) {
            throw new IOException("the demo sample " + DEMO + " is not on the classpath");
        }
        return in;
    }

    /** Copies the demo sample into the directory, for commands that read files. */
    public static Path copyDemo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve("activity-log-demo.ndjson");
        try (InputStream in = openDemo()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
