package io.deletionwatch.connectors.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.localstack.SharedAccessSignatures.Refusal;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

class SharedAccessSignaturesTest {
    private static final String KEY = "ItCaseOnly+Kn0wnSasKey/for/local/brokers0123=";
    private static final Instant NOW = Instant.parse("2026-03-01T10:15:00Z");
    private static final String HUB = "amqp://127.0.0.1/insights-activity-logs";
    private static final String PARTITION = HUB + "/ConsumerGroups/$Default/Partitions/0";

    private final SharedAccessSignatures namespace =
            new SharedAccessSignatures("RootManageSharedAccessKey", KEY);

    @Test
    void acceptsATokenSignedWithTheKeyForTheEntityOrAParent() {
        String token = namespace.sign(HUB, NOW.plusSeconds(3600));

        assertThat(namespace.check(token, HUB, NOW)).isEmpty();
        assertThat(namespace.check(token, PARTITION, NOW)).isEmpty();
    }

    @Test
    void refusesAnotherKeyWithoutSayingIt() {
        String other = "AnotherKey0123456789abcdefghijklmnopqrstuvw=";
        String token =
                new SharedAccessSignatures("RootManageSharedAccessKey", other)
                        .sign(HUB, NOW.plusSeconds(60));

        Optional<Refusal> refusal = namespace.check(token, HUB, NOW);

        assertThat(refusal)
                .map(Refusal::description)
                .hasValue("InvalidSignature: The token has an invalid signature.");
    }

    @Test
    void refusesAnotherKeyName() {
        String token = new SharedAccessSignatures("ListenOnly", KEY).sign(HUB, NOW.plusSeconds(60));

        assertThat(namespace.check(token, HUB, NOW))
                .map(Refusal::description)
                .hasValue("InvalidSignature: The token has an invalid signature.");
    }

    @Test
    void refusesAnExpiredToken() {
        String token = namespace.sign(HUB, NOW);

        assertThat(namespace.check(token, HUB, NOW))
                .map(Refusal::description)
                .hasValue("ExpiredToken: The token is expired.");
    }

    @Test
    void refusesATokenForASiblingOrAChildOfTheEntity() {
        String sibling = namespace.sign("amqp://127.0.0.1/insights-activity", NOW.plusSeconds(60));
        String child = namespace.sign(PARTITION, NOW.plusSeconds(60));

        assertThat(namespace.check(sibling, HUB, NOW)).isPresent();
        assertThat(namespace.check(child, HUB, NOW))
                .map(Refusal::description)
                .hasValue("InvalidAudience: The token audience does not match the resource.");
    }

    @Test
    void refusesWhatIsNotASharedAccessSignature() {
        assertThat(namespace.check("Bearer eyJ0eXAiOiJKV1QifQ", HUB, NOW)).isPresent();
        assertThat(namespace.check(null, HUB, NOW)).isPresent();
    }
}
