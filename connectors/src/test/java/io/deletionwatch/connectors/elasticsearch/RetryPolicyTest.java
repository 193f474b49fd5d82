package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import io.deletionwatch.connectors.elasticsearch.RetryPolicy.ItemOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

    @ParameterizedTest
    @ValueSource(ints = {200, 201})
    void createdItemsAreSuccesses(int status) {
        assertThat(RetryPolicy.classifyItem(status)).isEqualTo(ItemOutcome.CREATED);
    }

    @Test
    void aConflictMeansTheDocumentIsAlreadyThereAndCountsAsSuccess() {
        assertThat(RetryPolicy.classifyItem(409)).isEqualTo(ItemOutcome.ALREADY_PRESENT);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void busyOrUnavailableItemsAreRetried(int status) {
        assertThat(RetryPolicy.classifyItem(status)).isEqualTo(ItemOutcome.RETRY);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 413})
    void itemsRefusedForTheirContentAreDeadLettered(int status) {
        assertThat(RetryPolicy.classifyItem(status)).isEqualTo(ItemOutcome.REJECT);
    }

    @Test
    void connectionFailuresAndTimeoutsAreRetried() {
        assertThat(RetryPolicy.isRetriable(new ConnectException("Connection refused"))).isTrue();
        assertThat(RetryPolicy.isRetriable(new SocketTimeoutException("Read timed out"))).isTrue();
        assertThat(RetryPolicy.isRetriable(new IOException("Connection reset"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 503})
    void requestsAnsweredBusyOrUnavailableAreRetried(int status) {
        assertThat(RetryPolicy.isRetriable(elasticsearchError(status))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404})
    void requestsRefusedForTheirConfigurationAreNotRetried(int status) {
        assertThat(RetryPolicy.isRetriable(elasticsearchError(status))).isFalse();
    }

    @Test
    void programmingErrorsAreNotRetried() {
        assertThat(RetryPolicy.isRetriable(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void theBackoffDoublesFromTheInitialWaitUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoff(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(1_000_000)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void attemptsCountFromOne() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThatThrownBy(() -> policy.backoff(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ElasticsearchException elasticsearchError(int status) {
        return new ElasticsearchException(
                "bulk",
                ErrorResponse.of(
                        e -> e.status(status).error(c -> c.type("some_exception").reason("why"))));
    }

    @Test
    void aCertificateThatIsNotTrustedOrNotForThisHostIsNeverRetried() {
        javax.net.ssl.SSLHandshakeException untrusted =
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(
                new java.security.cert.CertificateException("unable to find valid certification path"));
        javax.net.ssl.SSLPeerUnverifiedException otherHost =
                new javax.net.ssl.SSLPeerUnverifiedException(
                        "Certificate for <127.0.0.1> doesn't match any of the subject alternative names: []");

        assertThat(RetryPolicy.isRetriable(untrusted)).isFalse();
        assertThat(RetryPolicy.isRetriable(new IOException("handshake", otherHost))).isFalse();
        assertThat(RetryPolicy.isRetriable(new javax.net.ssl.SSLException("Connection reset"))).isTrue();
    }
}
