package io.deletionwatch.job.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/deletion-watch}: one entry point, one subcommand per thing a user does. */
@Command(
        name = "deletion-watch",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        subcommands = {
            RunCommand.class,
            DetectCommand.class,
            LocalCommand.class,
            SetupCommand.class,
            ReplayCommand.class,
            BenchCommand.class,
            RestoreCommand.class,
            CommandLine.HelpCommand.class
        },
        description = {
            "Detects destructive and defense-evasion activity in the Azure Activity Log within"
                    + " seconds: NSG deletions and detachments, forced deletions, mass deletion,"
                    + " logging switched off.",
            ""
        },
        commandListHeading = "%nCommands:%n")
public final class Cli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns the exit code: 0 done, 1 failed, 2 bad usage. */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Cli());
        // "--input a --typo" must fail on the typo, not read it as a file name.
        commandLine.setUnmatchedOptionsAllowedAsOptionParameters(false);
        commandLine.setUsageHelpWidth(120);
        try {
            commandLine.setDefaultValueProvider(ConfigDefaults.from(args, System.getenv()));
        } catch (IllegalArgumentException e) {
            commandLine.getErr().println("deletion-watch: " + e.getMessage());
            commandLine.getErr().flush();
            return 2;
        }
        // A mistake on the command line is one line, not the whole usage: the user sees it at once.
        commandLine.setParameterExceptionHandler(
                (e, parsedArgs) -> {
                    CommandLine cmd = e.getCommandLine();
                    PrintWriter err = cmd.getErr();
                    String command = cmd.getCommandSpec().qualifiedName();
                    err.println(command + ": " + e.getMessage() + " (see '" + command + " --help')");
                    err.flush();
                    return 2;
                });
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    PrintWriter err = cmd.getErr();
                    err.println("deletion-watch " + cmd.getCommandName() + ": " + message(e));
                    if (System.getenv("DELETION_WATCH_DEBUG") != null) {
                        e.printStackTrace(err);
                    }
                    err.flush();
                    return e instanceof IllegalArgumentException ? 2 : 1;
                });
        return commandLine.execute(args);
    }

    /** One readable line: the deepest cause's message, which is usually the real reason. */
    static String message(Throwable e) {
        Throwable deepest = e;
        String message = e.getMessage();
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
            if (deepest.getMessage() != null) {
                message = deepest.getMessage();
            }
        }
        return message != null ? message : deepest.getClass().getSimpleName();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"deletion-watch " + (version == null ? "development build" : version)};
        }
    }
}
