package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import java.time.Duration;

/**
 * Which answers of Elasticsearch the sink retries, which it dead-letters and which count as
 * success, and how long it waits between retries.
 */
public final class RetryPolicy {
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    public RetryPolicy(Duration initialBackoff, Duration maxBackoff) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** What to do with one item of a bulk response. */
    public enum ItemOutcome {
        /** 2xx: created. */
        CREATED,
        /** 409 on create: the document (same id) is there already, as after a replay. */
        ALREADY_PRESENT,
        /** 408, 429, 5xx: the cluster is busy or a shard unavailable; send it again later. */
        RETRY,
        /** Any other 4xx (mapping or parse errors): retrying cannot help; dead-letter it. */
        REJECT
    }

    /** Classifies the HTTP status of one bulk item. */
    public static ItemOutcome classifyItem(int status) {
        if (status >= 200 && status < 300) {
            return ItemOutcome.CREATED;
        }
        if (status == 409) {
            return ItemOutcome.ALREADY_PRESENT;
        }
        if (isRetriableStatus(status)) {
            return ItemOutcome.RETRY;
        }
        return ItemOutcome.REJECT;
    }

    /**
     * Whether a status of a whole request is worth retrying: 408 (timeout), 429 (too many
     * requests), 5xx (server or proxy errors, shards unavailable).
     */
    public static boolean isRetriableStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /**
     * Whether a failed request is worth retrying: I/O errors (refused connection, timeouts, the
     * node going away) and retriable statuses. Other 4xx answers to a whole request (401, 403, 404,
     * 400) and a TLS certificate that is not trusted or not for this host mean the configuration is
     * wrong; retrying would hide that.
     */
    public static boolean isRetriable(Exception failure) {
        if (ElasticsearchFailures.isTlsTrustFailure(failure)) {
            // An untrusted certificate or a wrong host name stays wrong: say so instead.
            return false;
        }
        if (failure instanceof ElasticsearchException e) {
            return isRetriableStatus(e.status());
        }
        if (failure instanceof TransportException e) {
            // No status (0 or -1) means the request never got an answer.
            return e.statusCode() <= 0 || isRetriableStatus(e.statusCode());
        }
        return failure instanceof IOException;
    }

    /**
     * The wait before retry number {@code attempt} (1-based): the initial backoff, doubled for
     * every further attempt, capped at the maximum.
     */
    public Duration backoff(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        long max = maxBackoff.toMillis();
        long delay = initialBackoff.toMillis();
        for (int i = 1; i < attempt && delay < max; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, max);
        return Duration.ofMillis(delay);
    }
}
