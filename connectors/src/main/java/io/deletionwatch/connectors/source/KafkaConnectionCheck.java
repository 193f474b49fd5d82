package io.deletionwatch.connectors.source;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the broker, within a bounded time, whether it answers, accepts the login and has the topic:
 * a client that would otherwise retry for ever (a Kafka source, a producer) fails first with one
 * line saying what is wrong. Messages name the bootstrap servers, never the secret.
 */
public final class KafkaConnectionCheck {
    private KafkaConnectionCheck() {}

    /**
     * Checks the connection and, if {@code topic} is not null, that the topic exists.
     *
     * @param clientProperties e.g. {@link KafkaClientProperties#client}
     * @return the topic's partition count, or 0 when no topic was asked for
     * @throws IllegalArgumentException with one line saying what is wrong
     */
    public static int check(Properties clientProperties, String topic, Duration timeout) {
        String servers = clientProperties.getProperty("bootstrap.servers");
        Properties props = new Properties();
        props.putAll(clientProperties);
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        props.setProperty("default.api.timeout.ms", Integer.toString(millis));
        props.setProperty("request.timeout.ms", Integer.toString(millis));
        // Fail on the first refused login rather than retrying until the timeout.
        props.setProperty("reconnect.backoff.max.ms", "1000");
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            throw new IllegalArgumentException(
                    "cannot connect to Kafka at " + servers + ": " + rootMessage(e));
        }
        try {
            if (topic == null) {
                admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
                return 0;
            }
            TopicDescription description =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(millis, TimeUnit.MILLISECONDS)
                            .get(topic);
            return description.partitions().size();
        } catch (ExecutionException e) {
            throw failure(servers, topic, timeout, e.getCause());
        } catch (TimeoutException e) {
            throw failure(servers, topic, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka at " + servers);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static IllegalArgumentException failure(
            String servers, String topic, Duration timeout, Throwable cause) {
        String where = "Kafka at " + servers;
        String message;
        if (cause instanceof UnknownTopicOrPartitionException) {
            message =
                    "topic '"
                            + topic
                            + "' does not exist at "
                            + servers
                            + " (create it first: an event hub of that name on Event Hubs)";
        } else if (cause instanceof SaslAuthenticationException) {
            message =
                    where
                            + " refused the login ("
                            + cause.getMessage()
                            + "); check the Event Hubs connection string";
        } else if (cause instanceof SslAuthenticationException) {
            message =
                    "TLS with "
                            + where
                            + " failed ("
                            + rootMessage(cause)
                            + "); a private CA needs --kafka-truststore";
        } else if (cause instanceof AuthenticationException) {
            message = where + " refused the login (" + cause.getMessage() + ")";
        } else if (cause instanceof AuthorizationException) {
            message = where + " denied access: " + cause.getMessage();
        } else if (cause instanceof TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            message =
                    "cannot reach "
                            + where
                            + " within "
                            + seconds(timeout)
                            + " (is it up, and are the host and port right?)";
        } else {
            message = "cannot connect to " + where + ": " + rootMessage(cause);
        }
        return new IllegalArgumentException(message);
    }

    /** A time-out as a message says it: {@code 30 s}, or {@code 1500 ms}. */
    static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0
                ? timeout.toSeconds() + " s"
                : timeout.toMillis() + " ms";
    }

    /** The deepest cause's message: clients wrap socket errors a few times. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        String message = e.getMessage();
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null) {
                message = root.getMessage();
            }
        }
        return message != null ? message : root.getClass().getSimpleName();
    }
}
