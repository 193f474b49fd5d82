package io.deletionwatch.job.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A long Activity Log stream for fault and restart tests: {@code epochs} back-to-back two-hour
 * stretches of {@link BenignTraffic}, each with the demo sample's incidents of every rule in it
 * ({@link DemoSample#incidents(Duration)}, 11 findings an epoch), then 90 minutes of ordinary
 * activity so that event time passes every sequence and burst window without an end of input.
 * One Kafka record (Event Hubs envelope) per row, in arrival order. Deterministic.
 */
public final class IncidentStream {
    /** How much event time an epoch covers. */
    public static final Duration EPOCH = Duration.ofHours(2);

    private static final long SEED = 20260302L;
    private static final Duration TAIL = Duration.ofMinutes(90);

    private IncidentStream() {}

    /** The records, each an envelope {@code {"records":[row]}}. */
    public static List<String> records(int epochs) {
        List<Op> ops = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            Duration shift = EPOCH.multipliedBy(epoch);
            Instant start = ActivityRecords.BEGINNING.plus(shift);
            ops.addAll(new BenignTraffic(SEED + epoch).between(start, start.plus(EPOCH)));
            ops.addAll(DemoSample.incidents(shift));
        }
        Instant end = ActivityRecords.BEGINNING.plus(EPOCH.multipliedBy(epochs));
        ops.addAll(new BenignTraffic(SEED + epochs).between(end, end.plus(TAIL)));
        List<String> records = new ArrayList<>();
        for (ActivityRecords row : new BenignTraffic(SEED).rows(ops)) {
            records.add("{\"records\":[" + row.text() + "]}");
        }
        return records;
    }

    /**
     * The index of the first record at or after {@code from} that contains every one of {@code
     * fragments}: a place to cut the stream inside an incident.
     */
    public static int indexOf(List<String> records, int from, String... fragments) {
        for (int i = from; i < records.size(); i++) {
            String record = records.get(i);
            boolean all = true;
            for (String fragment : fragments) {
                all &= record.contains(fragment);
            }
            if (all) {
                return i;
            }
        }
        throw new IllegalArgumentException("no record from " + from + " contains " + List.of(fragments));
    }
}
