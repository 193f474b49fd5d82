package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pacer on a fake clock: exact schedules, no real time involved. */
class RatePacerTest {
    /** A clock that moves only when the pacer sleeps or the test says work took time. */
    static final class FakeTicker implements RatePacer.Ticker {
        long now = 1_000_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    @Test
    void shouldSpacePermitsEvenlyAtTheRate() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RatePacer pacer = new RatePacer(4, ticker);
        long start = ticker.now;

        for (int i = 0; i < 5; i++) {
            pacer.acquire();
        }

        // The first permit is due at once, then one every 250 ms.
        assertThat(ticker.sleeps).containsExactly(250_000_000L, 250_000_000L, 250_000_000L, 250_000_000L);
        assertThat(ticker.now - start).isEqualTo(1_000_000_000L);
    }

    @Test
    void shouldNotDriftWhenSendingTakesTimeBetweenPermits() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RatePacer pacer = new RatePacer(1000, ticker);
        long start = ticker.now;

        for (int i = 0; i < 10_000; i++) {
            pacer.acquire();
            ticker.now += 300_000; // each send takes 0.3 ms of the 1 ms slot
        }

        // 10 000 permits at 1 000/s: the last one is due 9.999 s after the first, whatever the
        // sends cost; a sleep of 1 ms per record would have taken 13 s.
        assertThat(ticker.now - start).isEqualTo(9_999_000_000L + 300_000L);
        assertThat(ticker.sleeps).hasSize(9_999).allMatch(nanos -> nanos == 700_000L);
    }

    @Test
    void shouldCatchUpWithAtMostOneSecondOfPermitsAfterAStall() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RatePacer pacer = new RatePacer(100, ticker);
        pacer.acquire();
        pacer.acquire();
        ticker.sleeps.clear();

        ticker.now += 10_000_000_000L; // the broker stalled for 10 s
        // The permits due over the last second, its both ends included, go at once.
        for (int i = 0; i < 101; i++) {
            pacer.acquire();
        }
        assertThat(ticker.sleeps).isEmpty();

        for (int i = 0; i < 3; i++) {
            pacer.acquire();
        }
        assertThat(ticker.sleeps).containsExactly(10_000_000L, 10_000_000L, 10_000_000L);
    }

    @Test
    void shouldKeepFractionalRatesExact() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RatePacer pacer = new RatePacer(3, ticker);
        long start = ticker.now;

        for (int i = 0; i < 301; i++) {
            pacer.acquire();
        }

        assertThat(ticker.now - start).isEqualTo(100_000_000_000L);
    }

    @Test
    void shouldNeverWaitWithoutALimit() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RatePacer pacer = new RatePacer(0, ticker);

        for (int i = 0; i < 1_000; i++) {
            pacer.acquire();
        }

        assertThat(ticker.sleeps).isEmpty();
    }
}
