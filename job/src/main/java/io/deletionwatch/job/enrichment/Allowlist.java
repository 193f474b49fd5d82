package io.deletionwatch.job.enrichment;

import io.deletionwatch.job.events.Caller;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Callers expected to do destructive work (network admins, the IaC service principal). Their
 * findings are still reported, one severity step lower and tagged {@code allowlisted}. An entry is
 * an Entra object id, a UPN or an application (client) id, compared case-insensitively.
 */
public record Allowlist(Set<String> callers) implements Serializable {
    public static final Allowlist NONE = new Allowlist(Set.of());

    public Allowlist {
        TreeSet<String> normalized = new TreeSet<>();
        for (String caller : callers) {
            String entry = caller.strip().toLowerCase(Locale.ROOT);
            if (!entry.isEmpty()) {
                normalized.add(entry);
            }
        }
        callers = Set.copyOf(normalized);
    }

    public static Allowlist of(Collection<String> callers) {
        return new Allowlist(Set.copyOf(callers));
    }

    /**
     * Reads one caller per line (commas also separate entries); blank lines and everything after
     * {@code #} are ignored.
     */
    public static Allowlist load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the allowlist " + file, e);
        }
        List<String> entries = new ArrayList<>();
        for (String line : lines) {
            int comment = line.indexOf('#');
            String content = comment < 0 ? line : line.substring(0, comment);
            for (String entry : content.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry);
                }
            }
        }
        return new Allowlist(Set.copyOf(entries));
    }

    public Allowlist plus(Allowlist other) {
        TreeSet<String> all = new TreeSet<>(callers);
        all.addAll(other.callers);
        return new Allowlist(all);
    }

    public boolean isEmpty() {
        return callers.isEmpty();
    }

    /** Whether the caller's object id, UPN, name or app id is on the list. */
    public boolean matches(Caller caller) {
        return contains(caller.id())
                || contains(caller.name())
                || contains(caller.email())
                || contains(caller.appId());
    }

    private boolean contains(String value) {
        return value != null && callers.contains(value.toLowerCase(Locale.ROOT));
    }
}
