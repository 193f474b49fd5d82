package io.deletionwatch.kibana.setup;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One run of the setup command with captured output. */
record SetupRun(int exitCode, String out, String err) {
    static SetupRun of(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Setup.run(args, o, e, env);
        }
        return new SetupRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> lines() {
        return out.lines().toList();
    }

    /** The report line of a step, e.g. {@code created   index template deletion-watch-findings}. */
    String line(String subject) {
        return lines().stream()
                .filter(l -> l.matches("  \\S+ +" + java.util.regex.Pattern.quote(subject) + "(:.*)?"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no report line for " + subject + " in:\n" + out));
    }

    /** The outcome word of a step. */
    String outcome(String subject) {
        return line(subject).strip().split(" +")[0];
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
