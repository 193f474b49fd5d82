package io.deletionwatch.connectors.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition with a deadline, for tests against servers and running jobs. */
public final class Eventually {
    private Eventually() {}

    public static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
