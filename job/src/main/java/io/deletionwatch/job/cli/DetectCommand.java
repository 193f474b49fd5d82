package io.deletionwatch.job.cli;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.io.NdjsonSink;
import io.deletionwatch.job.pipeline.Detect;
import io.deletionwatch.job.rules.Rules;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replays Activity Log files through the detection pipeline on a local Flink MiniCluster"
                    + " and writes one finding per line (the same JSON that is indexed).",
            "A file holds one JSON document (an envelope, a record or an array; may be"
                    + " pretty-printed) or NDJSON lines. A directory means every file in it.",
            "Exit 0 when the input was processed, even if some of it was dead-lettered."
        })
final class DetectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--input",
            required = true,
            arity = "1..*",
            paramLabel = "PATH",
            description = "Activity Log files or directories to read.")
    List<Path> inputs;

    @Option(
            names = "--output",
            paramLabel = "FILE|-",
            defaultValue = "-",
            description = "Where findings go, one JSON document per line; - is standard output (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(
            names = "--dead-letters",
            paramLabel = "FILE",
            defaultValue = "dead-letters.ndjson",
            description = "Where input that could not be used goes, with the reason (default: ${DEFAULT-VALUE}).")
    Path deadLetters;

    @Mixin DetectionOptions detection;

    @Override
    public Integer call() throws Exception {
        List<Path> files = InputFiles.expand(inputs);
        if (!NdjsonSink.STDOUT.equals(output)) {
            requireWritable(Path.of(output));
        }
        requireWritable(deadLetters);
        DetectionConfig config = detection.toConfig();
        Detect.Summary summary =
                Detect.run(
                        files,
                        Rules.all(config),
                        config,
                        new NdjsonSink<Finding>(output, FindingDocument::toBytes),
                        new NdjsonSink<DeadLetter>(
                                deadLetters.toString(),
                                d -> DeadLetterDocument.toJson(d).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        PrintWriter err = spec.commandLine().getErr();
        err.println(describe(files.size(), summary));
        err.println(
                "findings: "
                        + (NdjsonSink.STDOUT.equals(output) ? "standard output" : output)
                        + "; dead letters: "
                        + deadLetters);
        err.flush();
        return 0;
    }

    static String describe(int files, Detect.Summary s) {
        return String.format(
                "read %d file%s: %d records, %d events, %d skipped (other log categories), %d dead"
                        + " letters%s; %d findings%s%s",
                files,
                files == 1 ? "" : "s",
                s.records(),
                s.events(),
                s.skipped(),
                s.deadLetters(),
                counts(s.deadLettersByReason()),
                s.findings(),
                counts(s.findingsByRule()),
                s.updates() == 0
                        ? ""
                        : String.format(
                                " and %d update%s of growing incidents, written again with the same event.id",
                                s.updates(), s.updates() == 1 ? "" : "s"));
    }

    private static String counts(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        return counts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    private static void requireWritable(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("cannot write " + file + ": no such directory " + parent);
        }
    }
}
