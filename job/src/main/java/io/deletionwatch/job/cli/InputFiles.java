package io.deletionwatch.job.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files behind {@code --input PATH...}: a file is itself, a directory every file in it. */
final class InputFiles {
    private InputFiles() {}

    /**
     * @throws IllegalArgumentException naming the first path that is missing or unreadable, or
     *     when there is no file at all
     */
    static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> children = Files.list(input)) {
                    children.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(input)) {
                if (!Files.isReadable(input)) {
                    throw new IllegalArgumentException("cannot read input file " + input);
                }
                files.add(input);
            } else {
                throw new IllegalArgumentException("input file not found: " + input);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no input files in " + inputs);
        }
        return files;
    }
}
