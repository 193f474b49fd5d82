package io.deletionwatch.job.cli;

/**
 * Paces sends to a target rate. The n-th permit is due at {@code start + n / rate}, an absolute
 * schedule: time spent sending between permits is not added to the wait, so the rate does not
 * drift below its target as a sleep per record would. After a stall (the broker slowed down) it
 * catches up with at most one second's worth of permits at once, then keeps the rate again.
 */
public final class RatePacer {
    /** Where time comes from; tests give a fake one. */
    interface Ticker {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final Ticker SYSTEM =
            new Ticker() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public void sleepNanos(long nanos) throws InterruptedException {
                    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                }
            };

    static final long MAX_CATCH_UP_NANOS = 1_000_000_000L;

    private final double perSecond;
    private final Ticker ticker;
    private boolean started;
    private long origin;
    private long issued;

    /** @param perSecond permits a second; 0 or less means no limit */
    RatePacer(double perSecond, Ticker ticker) {
        this.perSecond = perSecond;
        this.ticker = ticker;
    }

    static RatePacer unlimited() {
        return new RatePacer(0, SYSTEM);
    }

    /** Paces on the system clock; also what tests use to feed a steady stream. */
    public static RatePacer perSecond(double perSecond) {
        return new RatePacer(perSecond, SYSTEM);
    }

    /** Waits until the next permit is due. */
    public void acquire() throws InterruptedException {
        if (perSecond <= 0) {
            return;
        }
        long now = ticker.nanoTime();
        if (!started) {
            started = true;
            origin = now;
        }
        long due = due(issued);
        if (now - due > MAX_CATCH_UP_NANOS) {
            // Behind by more than a second: forget the debt beyond one second's worth.
            origin = now - MAX_CATCH_UP_NANOS;
            issued = 0;
            due = origin;
        }
        if (due > now) {
            ticker.sleepNanos(due - now);
        }
        issued++;
    }

    private long due(long permit) {
        return origin + (long) (permit * 1e9 / perSecond);
    }
}
