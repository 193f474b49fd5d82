package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One alert channel and how the environment configures it: an existing connector by id, a
 * connector to create from settings, or nothing (the channel is skipped).
 *
 * @param channel which channel
 * @param existingConnectorId the connector to use as it is, from {@code DW_<CHANNEL>_CONNECTOR_ID}
 * @param config the connector's config when we create it
 * @param secrets the connector's secrets when we create it; never printed
 * @param skipReason why the channel is not set up; empty when it is
 */
record AlertChannel(
        Channel channel,
        Optional<String> existingConnectorId,
        ObjectNode config,
        ObjectNode secrets,
        Optional<String> skipReason) {

    /** The channels the alert rules have actions for. */
    enum Channel {
        SLACK("slack", ".slack", "Slack"),
        PAGERDUTY("pagerduty", ".pagerduty", "PagerDuty"),
        SERVICENOW("servicenow", ".servicenow", "ServiceNow"),
        EMAIL("email", ".email", "email"),
        WEBHOOK("webhook", ".webhook", "webhook");

        private final String key;
        private final String connectorTypeId;
        private final String title;

        Channel(String key, String connectorTypeId, String title) {
            this.key = key;
            this.connectorTypeId = connectorTypeId;
            this.title = title;
        }

        /** The name in placeholders and connector ids, e.g. {@code slack}. */
        String key() {
            return key;
        }

        String connectorTypeId() {
            return connectorTypeId;
        }

        String title() {
            return title;
        }

        /** The id of the connector setup creates for this channel. */
        String connectorId() {
            return "deletion-watch-" + key;
        }

        String connectorName() {
            return "deletion-watch " + title;
        }

        String envPrefix() {
            return "DW_" + key.toUpperCase(Locale.ROOT);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    boolean configured() {
        return skipReason.isEmpty();
    }

    /** The connector the rules' actions use. */
    String connectorId() {
        return existingConnectorId.orElse(channel.connectorId());
    }

    /** The e-mail recipients from {@code DW_EMAIL_TO}; empty when not set. */
    static List<String> emailRecipients(Map<String, String> env) {
        String to = env.get("DW_EMAIL_TO");
        if (to == null || to.isBlank()) {
            return List.of();
        }
        return Arrays.stream(to.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Every channel, configured or skipped, from the environment. */
    static List<AlertChannel> fromEnvironment(Map<String, String> env) throws UsageException {
        List<AlertChannel> channels = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            channels.add(of(channel, env));
        }
        return channels;
    }

    private static AlertChannel of(Channel channel, Map<String, String> env) throws UsageException {
        Settings s = new Settings(env, channel);
        Optional<String> existing = s.optional("_CONNECTOR_ID");
        if (channel == Channel.EMAIL && emailRecipients(env).isEmpty()) {
            if (existing.isPresent() || s.optional("_FROM").isPresent()) {
                throw new UsageException("DW_EMAIL_TO is needed to send alert e-mails");
            }
            return skipped(channel, "DW_EMAIL_TO is not set");
        }
        if (existing.isPresent()) {
            return new AlertChannel(
                    channel, existing, MAPPER.createObjectNode(), MAPPER.createObjectNode(),
                    Optional.empty());
        }
        ObjectNode config = MAPPER.createObjectNode();
        ObjectNode secrets = MAPPER.createObjectNode();
        switch (channel) {
            case SLACK -> {
                Optional<String> url = s.optional("_WEBHOOK_URL");
                if (url.isEmpty()) {
                    return skipped(channel, "DW_SLACK_WEBHOOK_URL is not set");
                }
                secrets.put("webhookUrl", url.get());
            }
            case PAGERDUTY -> {
                Optional<String> key = s.optional("_ROUTING_KEY");
                if (key.isEmpty()) {
                    s.refuseStray("_ROUTING_KEY", "_API_URL");
                    return skipped(channel, "DW_PAGERDUTY_ROUTING_KEY is not set");
                }
                s.optional("_API_URL").ifPresent(url -> config.put("apiUrl", url));
                secrets.put("routingKey", key.get());
            }
            case SERVICENOW -> {
                Optional<String> url = s.optional("_URL");
                if (url.isEmpty()) {
                    s.refuseStray("_URL", "_USERNAME", "_PASSWORD", "_USES_TABLE_API");
                    return skipped(channel, "DW_SERVICENOW_URL is not set");
                }
                config.put("apiUrl", url.get());
                config.put("usesTableApi", s.bool("_USES_TABLE_API", false));
                secrets.put("username", s.required("_USERNAME", "_URL"));
                secrets.put("password", s.required("_PASSWORD", "_URL"));
            }
            case EMAIL -> {
                Optional<String> from = s.optional("_FROM");
                if (from.isEmpty()) {
                    throw new UsageException(
                            "DW_EMAIL_TO is set: also set DW_EMAIL_CONNECTOR_ID (an existing e-mail "
                                    + "connector) or DW_EMAIL_FROM with DW_SMTP_HOST and DW_SMTP_PORT");
                }
                Settings smtp = new Settings(env, "DW_SMTP");
                String port = smtp.required("_PORT", "DW_EMAIL_FROM");
                int portNumber;
                try {
                    portNumber = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    throw new UsageException("DW_SMTP_PORT must be a port number: " + port);
                }
                config.put("service", "other");
                config.put("from", from.get());
                config.put("host", smtp.required("_HOST", "DW_EMAIL_FROM"));
                config.put("port", portNumber);
                config.put("secure", smtp.bool("_SECURE", portNumber == 465));
                Optional<String> user = smtp.optional("_USERNAME");
                config.put("hasAuth", user.isPresent());
                if (user.isPresent()) {
                    secrets.put("user", user.get());
                    secrets.put("password", smtp.required("_PASSWORD", "DW_SMTP_USERNAME"));
                }
            }
            case WEBHOOK -> {
                Optional<String> url = s.optional("_URL");
                if (url.isEmpty()) {
                    s.refuseStray("_URL", "_USERNAME", "_PASSWORD", "_METHOD");
                    return skipped(channel, "DW_WEBHOOK_URL is not set");
                }
                String method = s.optional("_METHOD").orElse("post").toLowerCase(Locale.ROOT);
                if (!method.equals("post") && !method.equals("put")) {
                    throw new UsageException("DW_WEBHOOK_METHOD must be post or put: " + method);
                }
                config.put("url", url.get());
                config.put("method", method);
                config.putObject("headers").put("Content-Type", "application/json");
                Optional<String> user = s.optional("_USERNAME");
                config.put("hasAuth", user.isPresent());
                if (user.isPresent()) {
                    secrets.put("user", user.get());
                    secrets.put("password", s.required("_PASSWORD", "_USERNAME"));
                }
            }
            default -> throw new IllegalStateException("unknown channel " + channel);
        }
        return new AlertChannel(channel, Optional.empty(), config, secrets, Optional.empty());
    }

    private static AlertChannel skipped(Channel channel, String reason) {
        return new AlertChannel(
                channel,
                Optional.empty(),
                MAPPER.createObjectNode(),
                MAPPER.createObjectNode(),
                Optional.of(reason));
    }

    @Override
    public String toString() {
        // Never the secrets.
        return "AlertChannel(" + channel.key() + ", "
                + (configured() ? "connector " + connectorId() : "skipped") + ")";
    }

    /** Environment variables under one prefix. */
    private static final class Settings {
        private final Map<String, String> env;
        private final String prefix;

        Settings(Map<String, String> env, Channel channel) {
            this(env, channel.envPrefix());
        }

        Settings(Map<String, String> env, String prefix) {
            this.env = env;
            this.prefix = prefix;
        }

        Optional<String> optional(String suffix) {
            String value = env.get(prefix + suffix);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
        }

        String required(String suffix, String because) throws UsageException {
            Optional<String> value = optional(suffix);
            if (value.isEmpty()) {
                String cause = because.startsWith("DW_") ? because : prefix + because;
                throw new UsageException(cause + " is set but " + prefix + suffix + " is not");
            }
            return value.get();
        }

        boolean bool(String suffix, boolean defaultValue) throws UsageException {
            Optional<String> value = optional(suffix);
            if (value.isEmpty()) {
                return defaultValue;
            }
            return switch (value.get().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new UsageException(prefix + suffix + " must be true or false");
            };
        }

        /** A half-configured channel is a mistake worth stopping for, not a silent skip. */
        void refuseStray(String key, String... others) throws UsageException {
            for (String other : others) {
                if (!other.equals(key) && optional(other).isPresent()) {
                    throw new UsageException(
                            prefix + other + " is set but " + prefix + key + " is not");
                }
            }
        }
    }
}
