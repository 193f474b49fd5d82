package io.deletionwatch.kibana.setup;

/** The command line or the environment is wrong; nothing was contacted. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
