package io.deletionwatch.job.cli;

import io.deletionwatch.kibana.setup.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code setup}: the kibana module's installer, which parses its own options. */
@Command(
        name = "setup",
        description = {
            "Installs, idempotently, the index templates, an ILM policy, Elasticsearch roles and,"
                    + " with --kibana-url, the dashboards, connectors and alert rules. Says what it"
                    + " did and what it skipped. See `setup --help`."
        })
final class SetupCommand implements Callable<Integer> {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return Setup.run(args.toArray(String[]::new), System.out, System.err, System.getenv());
    }
}
