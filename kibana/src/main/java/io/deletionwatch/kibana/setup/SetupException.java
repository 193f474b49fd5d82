package io.deletionwatch.kibana.setup;

/**
 * Setup cannot go on: a server cannot be reached, refuses the credentials or a request. The message
 * is one line for the operator and never carries a secret.
 */
public final class SetupException extends RuntimeException {
    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
