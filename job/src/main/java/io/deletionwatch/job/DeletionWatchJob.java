package io.deletionwatch.job;

import io.deletionwatch.job.cli.Cli;

/**
 * The jar's main class, for {@code flink run deletion-watch.jar [run options]}: the same as {@code
 * bin/deletion-watch run}.
 */
public final class DeletionWatchJob {
    private DeletionWatchJob() {}

    public static void main(String[] args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "run";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        int exitCode = Cli.execute(withCommand);
        if (exitCode != 0) {
            // Flink's client reports a failed main; System.exit would kill the client's JVM.
            throw new IllegalStateException("deletion-watch run exited with code " + exitCode);
        }
    }
}
