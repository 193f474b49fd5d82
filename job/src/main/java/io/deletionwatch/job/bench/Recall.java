package io.deletionwatch.job.bench;

import io.deletionwatch.job.bench.ActivityLogGenerator.ExpectedFinding;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Matches findings to the injected incidents by (rule, resource or caller): every expected finding
 * must be found with exactly one finding id (later versions of a burst share its id).
 */
final class Recall {
    /** Rules whose findings are about a caller rather than a resource. */
    private static final Set<String> CALLER_RULES = Set.of("mass-deletion", "logging-disabled-then-deletion");

    private final Map<String, ExpectedFinding> expected = new LinkedHashMap<>();
    private final Map<String, Set<String>> idsByIdentity = new HashMap<>();
    private final Set<String> unexpectedIds = new HashSet<>();

    Recall(Iterable<ExpectedFinding> expectedFindings) {
        for (ExpectedFinding e : expectedFindings) {
            expected.put(identity(e.ruleId(), e.key()), e);
        }
    }

    /** The counts a run reports. */
    record Result(int expected, int foundOnce, int missing, int duplicated, int unexpected) {
        boolean complete() {
            return foundOnce == expected && duplicated == 0 && unexpected == 0;
        }

        /** Of several runs' results, the one with the most missing, duplicated and unexpected findings. */
        static Result worst(java.util.Collection<Result> results) {
            return results.stream()
                    .max(java.util.Comparator.comparingInt((Result r) -> r.missing() + r.duplicated() + r.unexpected()))
                    .orElseThrow();
        }

        @Override
        public String toString() {
            return foundOnce + "/" + expected + " found exactly once (" + missing + " missing, " + duplicated
                    + " found more than once, " + unexpected + " unexpected)";
        }
    }

    /**
     * Records one finding (any version).
     *
     * @return the expected finding it is, the first time its identity is seen; else null
     */
    synchronized ExpectedFinding observe(String ruleId, String resourceId, String callerId, String findingId) {
        String key = CALLER_RULES.contains(ruleId) ? callerId : resourceId;
        String identity = identity(ruleId, key == null ? "" : key);
        ExpectedFinding match = expected.get(identity);
        if (match == null) {
            unexpectedIds.add(findingId);
            return null;
        }
        Set<String> ids = idsByIdentity.computeIfAbsent(identity, i -> new HashSet<>());
        boolean first = ids.isEmpty();
        ids.add(findingId);
        return first ? match : null;
    }

    synchronized Result result() {
        int once = 0;
        int duplicated = 0;
        for (String identity : expected.keySet()) {
            Set<String> ids = idsByIdentity.get(identity);
            if (ids != null && ids.size() == 1) {
                once++;
            } else if (ids != null) {
                duplicated++;
            }
        }
        return new Result(expected.size(), once, expected.size() - once - duplicated, duplicated, unexpectedIds.size());
    }

    private static String identity(String rule, String key) {
        return rule + '|' + key.toLowerCase(Locale.ROOT);
    }
}
