package io.deletionwatch.connectors.elasticsearch;

import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how the Elasticsearch sink writes. Immutable and serializable (it travels with the
 * job); secrets are only referenced (see {@link Credentials}), so {@link #toString()} is safe to
 * log.
 *
 * @param hosts the cluster's HTTP endpoints, {@code http(s)://host[:port][/prefix]}; without a port
 *     the scheme's default (443 or 80) applies
 * @param dataStream where findings are created; default {@value #DEFAULT_DATA_STREAM}
 * @param deadLetterDataStream where refused documents go; default {@value
 *     DeadLetterDocument#DEFAULT_DATA_STREAM}
 * @param credentials none, an API key or user and password
 * @param caCertificateFile a PEM file with the CA certificate(s) to trust for https; null trusts
 *     the JVM's default CAs
 * @param maxActions a bulk request is sent when this many documents are buffered; default 500
 * @param maxBytes ... or when their JSON reaches this size; default 5 MiB
 * @param maxInterval ... or this long after the first buffered document; zero sends only when full
 *     or on a checkpoint; default 200 ms
 * @param initialBackoff the first wait before retrying a failed request; default 100 ms
 * @param maxBackoff the longest wait between retries (the wait doubles up to it); default 30 s
 * @param installTemplates whether the writer installs the index templates at start; default true
 */
public record ElasticsearchSinkOptions(
        List<URI> hosts,
        String dataStream,
        String deadLetterDataStream,
        Credentials credentials,
        String caCertificateFile,
        int maxActions,
        long maxBytes,
        Duration maxInterval,
        Duration initialBackoff,
        Duration maxBackoff,
        boolean installTemplates)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_DATA_STREAM = "logs-deletion_watch.findings-default";
    public static final int DEFAULT_MAX_ACTIONS = 500;
    public static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024;
    /**
     * Findings are rare, so the timer, not a full buffer, is what sends almost every one: a short
     * linger keeps them searchable within a second, while a busy stream still fills bulk requests
     * by {@code maxActions}/{@code maxBytes} before it fires.
     */
    public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    /** The variable {@link #fromEnvironment} reads the endpoints from (comma-separated). */
    public static final String URL_VARIABLE = "ES_URL";

    /** The variable {@link #fromEnvironment} reads the CA certificate file from. */
    public static final String CA_CERTIFICATE_VARIABLE = "ES_CA_CERT";

    public ElasticsearchSinkOptions {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("at least one Elasticsearch URL is required");
        }
        hosts = List.copyOf(hosts);
        String prefix = null;
        for (URI host : hosts) {
            validateHost(host);
            String path = pathPrefix(host);
            if (prefix != null && !prefix.equals(path)) {
                throw new IllegalArgumentException(
                        "all Elasticsearch URLs must have the same path prefix, got " + hosts);
            }
            prefix = path;
        }
        validateDataStream("dataStream", dataStream);
        validateDataStream("deadLetterDataStream", deadLetterDataStream);
        if (credentials == null) {
            throw new IllegalArgumentException(
                    "credentials must not be null; use Credentials.none()");
        }
        if (caCertificateFile != null) {
            if (caCertificateFile.isBlank()) {
                caCertificateFile = null;
            } else if (hosts.stream().noneMatch(h -> h.getScheme().equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException(
                        "a CA certificate only applies to https URLs, got " + hosts);
            }
        }
        if (maxActions < 1) {
            throw new IllegalArgumentException("maxActions must be at least 1, got " + maxActions);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
        requireNotNegative("maxInterval", maxInterval);
        requirePositive("initialBackoff", initialBackoff);
        requirePositive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff ("
                            + maxBackoff
                            + ") must not be shorter than initialBackoff ("
                            + initialBackoff
                            + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset from the environment: {@code ES_URL} (comma-separated endpoints, if set),
     * {@code ES_CA_CERT} (a PEM file, if set) and the credentials of {@link
     * Credentials#fromEnvironment}. Secrets stay references; they are read on the TaskManager.
     *
     * @throws IllegalArgumentException when the variables contradict each other
     */
    public static Builder fromEnvironment(Map<String, String> environment) {
        Builder builder = builder().credentials(Credentials.fromEnvironment(environment));
        String urls = environment.get(URL_VARIABLE);
        if (urls != null && !urls.isBlank()) {
            builder.hosts(urls);
        }
        String ca = environment.get(CA_CERTIFICATE_VARIABLE);
        if (ca != null && !ca.isBlank()) {
            builder.caCertificateFile(ca);
        }
        return builder;
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.hosts = new ArrayList<>(hosts);
        builder.dataStream = dataStream;
        builder.deadLetterDataStream = deadLetterDataStream;
        builder.credentials = credentials;
        builder.caCertificateFile = caCertificateFile;
        builder.maxActions = maxActions;
        builder.maxBytes = maxBytes;
        builder.maxInterval = maxInterval;
        builder.initialBackoff = initialBackoff;
        builder.maxBackoff = maxBackoff;
        builder.installTemplates = installTemplates;
        return builder;
    }

    /** The path prefix of the endpoints, e.g. {@code /es} behind a proxy, or an empty string. */
    public String pathPrefix() {
        return pathPrefix(hosts.get(0));
    }

    /**
     * Parses a comma-separated list of URLs.
     *
     * @throws IllegalArgumentException naming the malformed URL
     */
    public static List<URI> parseHosts(String urls) {
        if (urls == null || urls.isBlank()) {
            throw new IllegalArgumentException("no Elasticsearch URL given");
        }
        List<URI> hosts = new ArrayList<>();
        for (String url : urls.split(",")) {
            String trimmed = url.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(trimmed);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        "malformed Elasticsearch URL '" + trimmed + "': " + e.getReason(), e);
            }
            validateHost(uri);
            hosts.add(uri);
        }
        return hosts;
    }

    private static void validateHost(URI host) {
        String shown =
                host.getUserInfo() == null ? String.valueOf(host) : "(a URL with credentials)";
        String scheme = host.getScheme() == null ? "" : host.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(
                    "malformed Elasticsearch URL '"
                            + shown
                            + "': it must start with http:// or https://");
        }
        if (host.getUserInfo() != null) {
            throw new IllegalArgumentException(
                    "an Elasticsearch URL must not carry credentials: set "
                            + Credentials.API_KEY_VARIABLE
                            + " or "
                            + Credentials.USERNAME_VARIABLE
                            + "/"
                            + Credentials.PASSWORD_VARIABLE
                            + " instead");
        }
        if (host.getHost() == null || host.getHost().isBlank()) {
            throw new IllegalArgumentException(
                    "malformed Elasticsearch URL '" + shown + "': it has no host name");
        }
        if (host.getQuery() != null || host.getFragment() != null) {
            throw new IllegalArgumentException(
                    "malformed Elasticsearch URL '"
                            + shown
                            + "': a query or fragment is not allowed");
        }
    }

    private static String pathPrefix(URI host) {
        String path = host.getPath() == null ? "" : host.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** Elasticsearch's index name rules, which data stream names follow. */
    static void validateDataStream(String option, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(option + " must not be empty");
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(option + " must be lower case, got " + name);
        }
        if (name.startsWith("-")
                || name.startsWith("_")
                || name.startsWith("+")
                || name.startsWith(".")) {
            throw new IllegalArgumentException(
                    option + " must not start with '-', '_', '+' or '.', got " + name);
        }
        if (name.chars().anyMatch(c -> "\\/*?\"<>| ,#:".indexOf(c) >= 0)) {
            throw new IllegalArgumentException(
                    option + " must not contain \\ / * ? \" < > | space , # or :, got " + name);
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException(option + " must be at most 255 bytes long");
        }
    }

    private static void requirePositive(String option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
    }

    private static void requireNotNegative(String option, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative, got " + value);
        }
    }

    /** Builds {@link ElasticsearchSinkOptions}; {@link #build()} validates everything. */
    public static final class Builder {
        private List<URI> hosts = new ArrayList<>();
        private String dataStream = DEFAULT_DATA_STREAM;
        private String deadLetterDataStream = DeadLetterDocument.DEFAULT_DATA_STREAM;
        private Credentials credentials = Credentials.none();
        private String caCertificateFile;
        private int maxActions = DEFAULT_MAX_ACTIONS;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Duration maxInterval = DEFAULT_MAX_INTERVAL;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private boolean installTemplates = true;

        private Builder() {}

        /** Comma-separated URLs, e.g. {@code https://es.example.com:9243}. */
        public Builder hosts(String urls) {
            this.hosts = new ArrayList<>(parseHosts(urls));
            return this;
        }

        public Builder hosts(List<URI> hosts) {
            this.hosts = new ArrayList<>(hosts);
            return this;
        }

        public Builder dataStream(String dataStream) {
            this.dataStream = dataStream;
            return this;
        }

        public Builder deadLetterDataStream(String deadLetterDataStream) {
            this.deadLetterDataStream = deadLetterDataStream;
            return this;
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder caCertificateFile(String caCertificateFile) {
            this.caCertificateFile = caCertificateFile;
            return this;
        }

        public Builder maxActions(int maxActions) {
            this.maxActions = maxActions;
            return this;
        }

        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        public Builder maxInterval(Duration maxInterval) {
            this.maxInterval = maxInterval;
            return this;
        }

        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        public Builder installTemplates(boolean installTemplates) {
            this.installTemplates = installTemplates;
            return this;
        }

        public ElasticsearchSinkOptions build() {
            return new ElasticsearchSinkOptions(
                    hosts,
                    dataStream,
                    deadLetterDataStream,
                    credentials,
                    caCertificateFile,
                    maxActions,
                    maxBytes,
                    maxInterval,
                    initialBackoff,
                    maxBackoff,
                    installTemplates);
        }
    }
}
