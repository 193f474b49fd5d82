package io.deletionwatch.connectors.elasticsearch;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret comes from: an environment variable or a file. Only the reference travels with the
 * job (and appears in {@link #toString()}); the value is read where the client is built, on the
 * TaskManager, and is never kept in options, logs or exception messages.
 *
 * @param source environment variable or file
 * @param reference the variable name or the file path
 */
public record Secret(Source source, String reference) implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Source {
        ENVIRONMENT,
        FILE
    }

    public Secret {
        if (source == null) {
            throw new IllegalArgumentException("a secret needs a source");
        }
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("a secret needs a variable name or file path");
        }
    }

    public static Secret environment(String variable) {
        return new Secret(Source.ENVIRONMENT, variable);
    }

    public static Secret file(String path) {
        return new Secret(Source.FILE, path);
    }

    /**
     * The secret {@link #toString()} names: {@code env:NAME} or {@code file:PATH}.
     *
     * @throws IllegalArgumentException for any other form
     */
    public static Secret parse(String reference) {
        if (reference != null && reference.startsWith("env:")) {
            return environment(reference.substring("env:".length()));
        }
        if (reference != null && reference.startsWith("file:")) {
            return file(reference.substring("file:".length()));
        }
        throw new IllegalArgumentException(
                "a secret reference is env:NAME or file:PATH, got '" + reference + "'");
    }

    /** Reads the value from this process's environment or the file. */
    public String resolve() throws IOException {
        return resolve(System.getenv());
    }

    /**
     * Reads the value; a file's trailing line break is dropped.
     *
     * @throws IOException when the variable is unset or empty or the file unreadable; the message
     *     names the variable or file, never a value
     */
    public String resolve(Map<String, String> environment) throws IOException {
        String value;
        if (source == Source.ENVIRONMENT) {
            value = environment.get(reference);
            if (value == null || value.isBlank()) {
                throw new IOException(
                        "environment variable " + reference + " is not set in this process");
            }
        } else {
            try {
                value = Files.readString(Path.of(reference), StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new IOException("secret file " + reference + " does not exist");
            }
            if (value.isEmpty()) {
                throw new IOException("secret file " + reference + " is empty");
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return (source == Source.ENVIRONMENT ? "env:" : "file:") + reference;
    }
}
