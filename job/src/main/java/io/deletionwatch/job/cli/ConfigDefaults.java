package io.deletionwatch.job.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option not given on the command line takes its value from: the {@code --config} file
 * ({@code out-of-orderness = 5m}, keys are option names without dashes), then the environment
 * ({@code DELETION_WATCH_OUT_OF_ORDERNESS}), then the default shown in {@code --help}.
 *
 * <p>Secrets are never options: they come from their own environment variables or files.
 */
final class ConfigDefaults implements IDefaultValueProvider {
    static final String ENV_PREFIX = "DELETION_WATCH_";
    private static final Set<String> NOT_CONFIGURABLE = Set.of("config", "help", "version");

    private final Properties file;
    private final Map<String, String> env;

    private ConfigDefaults(Properties file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /** Reads {@code --config FILE} from the raw arguments, before picocli parses them. */
    static ConfigDefaults from(String[] args, Map<String, String> env) {
        Properties properties = new Properties();
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                config = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (config == null && env.get(ENV_PREFIX + "CONFIG") != null) {
            config = Path.of(env.get(ENV_PREFIX + "CONFIG"));
        }
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("config file not found: " + config);
            }
            try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + config + ": " + e.getMessage());
            }
        }
        return new ConfigDefaults(properties, env);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^--", "");
        if (NOT_CONFIGURABLE.contains(key)) {
            return null;
        }
        String fromFile = file.getProperty(key);
        if (fromFile != null) {
            return fromFile.strip();
        }
        String fromEnv = env.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null) {
            return fromEnv.strip();
        }
        return option.defaultValue();
    }

    /** Keys in the file that name no option: typos must not pass silently. */
    Set<String> unknownKeys(Set<String> optionNames) {
        java.util.TreeSet<String> unknown = new java.util.TreeSet<>();
        for (String key : file.stringPropertyNames()) {
            if (!optionNames.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }
}
