package io.deletionwatch.connectors.localstack;

import io.deletionwatch.connectors.source.EventHubsConnectionString;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts one real Kafka broker, with the Event Hubs look-alike listener, for a test class and stops
 * it afterwards.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * ...
 * String topic = KAFKA.newTopic("activity", 2);
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);

    private final String connectionString;
    private final AtomicInteger topics = new AtomicInteger();
    private KafkaBroker broker;

    /** With a random Event Hubs connection string as the listener's secret. */
    public KafkaBrokerExtension() {
        this(KafkaBroker.randomConnectionString());
    }

    /**
     * With {@code EVENTHUBS_CONNECTION_STRING} of this JVM as the listener's secret, so that a
     * source that reads the variable where it runs authenticates for real. Failsafe sets it for the
     * ITCases (the root pom.xml).
     */
    public static KafkaBrokerExtension withConnectionStringFromEnvironment() {
        String connectionString = System.getenv(EventHubsConnectionString.ENVIRONMENT_VARIABLE);
        if (connectionString == null || connectionString.isBlank()) {
            throw new IllegalStateException(
                    EventHubsConnectionString.ENVIRONMENT_VARIABLE
                            + " is not set: Failsafe sets it for the ITCases (see pom.xml); set it"
                            + " when running one elsewhere");
        }
        return new KafkaBrokerExtension(connectionString);
    }

    /** With the given connection string as the {@code EVENTHUBS} listener's secret. */
    public KafkaBrokerExtension(String connectionString) {
        this.connectionString = connectionString;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = KafkaBroker.builder().eventHubsListener(connectionString).start();
        LOG.info(
                "Kafka {} started in {} ms: {}",
                KafkaBroker.KAFKA_VERSION,
                broker.startupTime().toMillis(),
                broker);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException(
                    "the broker runs only during the test class: register the extension as a"
                            + " static field with @RegisterExtension");
        }
        return broker;
    }

    /** Creates a topic with a name unique within this broker, e.g. {@code activity-3}. */
    public String newTopic(String prefix, int partitions) throws Exception {
        String name = prefix + "-" + topics.incrementAndGet();
        broker().createTopic(name, partitions);
        return name;
    }
}
