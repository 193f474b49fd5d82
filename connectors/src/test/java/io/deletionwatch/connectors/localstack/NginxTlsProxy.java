package io.deletionwatch.connectors.localstack;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A real TLS endpoint with Elasticsearch's authentication in front of a node that has neither (the
 * security module is not on Maven Central): Debian's nginx as a child process, on a free port of
 * 127.0.0.1, with a self-signed certificate, proxying to the node. Like a secured cluster it lets a
 * request through only with {@code Authorization: Basic <base64 user:password>} of its user or
 * {@code Authorization: ApiKey <base64 id:key>} of its key, and answers anything else 401 with
 * Elasticsearch's {@code security_exception} body and {@code WWW-Authenticate} headers.
 *
 * <p>nginx must be installed ({@code apt-get install nginx}; CI does): a missing nginx fails the
 * test that needs it, it is never skipped. Everything nginx writes (configuration, certificate, logs,
 * pid, temp files) is in its own temporary prefix, removed by {@link #close()}, which stops nginx
 * by its process id.
 */
public final class NginxTlsProxy implements AutoCloseable {
    /** The user the proxy accepts with basic authentication. */
    public static final String USER = "deletion-watch-writer";

    /** Where nginx is looked for, after {@code $NGINX}. */
    private static final List<String> LOCATIONS =
            List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx");

    /** nginx logs this at notice level once its sockets are bound and workers start. */
    private static final Pattern READY = Pattern.compile("start worker process");

    /** The reason Elasticsearch gives when no credentials (or unknown ones) come with a request. */
    public static final String UNAUTHENTICATED =
            "unable to authenticate with provided credentials and anonymous access is not allowed"
                    + " for this request";

    private final ServerProcess process;
    private final Path prefix;
    private final int port;
    private final Path caFile;

    private NginxTlsProxy(ServerProcess process, Path prefix, int port, Path caFile) {
        this.process = process;
        this.prefix = prefix;
        this.port = port;
        this.caFile = caFile;
    }

    /**
     * Starts nginx in front of {@code upstream} (e.g. a node's {@code http://127.0.0.1:port}),
     * accepting {@link #USER} with {@code password} and the API key {@code apiKey} (the encoded
     * form Kibana shows, base64 of {@code id:key}).
     *
     * @param subjectAltNames the names the certificate is valid for, keytool's form; {@code
     *     dns:localhost,ip:127.0.0.1} makes {@link #url()} verify, anything else a host name
     *     mismatch
     */
    public static NginxTlsProxy start(
            String upstream, String password, String apiKey, String subjectAltNames)
            throws IOException {
        Path nginx = nginx();
        Path prefix = Files.createTempDirectory("deletion-watch-nginx-");
        try {
            SelfSignedTls tls = SelfSignedTls.plan(prefix.resolve("tls"), "nginx", subjectAltNames);
            tls.create();
            Path certificate = prefix.resolve("tls").resolve("nginx.pem");
            Path key = prefix.resolve("tls").resolve("nginx-key.pem");
            tls.writePem(certificate, key);
            int port = ElasticsearchNode.freePort();
            String basic =
                    Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(UTF_8));
            Path conf = prefix.resolve("nginx.conf");
            Files.writeString(conf, configuration(prefix, port, certificate, key, upstream, basic, apiKey));
            List<String> command = new ArrayList<>();
            command.addAll(
                    List.of(
                            nginx.toString(),
                            "-e",
                            "stderr",
                            "-p",
                            prefix.toString(),
                            "-c",
                            conf.toString(),
                            "-g",
                            "daemon off;"));
            ServerProcess process =
                    ServerProcess.start(
                            "nginx",
                            command,
                            prefix,
                            prefix.resolve("nginx.out"),
                            READY,
                            Duration.ofMinutes(1));
            return new NginxTlsProxy(process, prefix, port, certificate);
        } catch (IOException | RuntimeException e) {
            ElasticsearchNode.deleteRecursively(prefix);
            throw e;
        }
    }

    /** As {@link #start(String, String, String, String)}, valid for localhost and 127.0.0.1. */
    public static NginxTlsProxy start(String upstream, String password, String apiKey)
            throws IOException {
        return start(upstream, password, apiKey, "dns:localhost,ip:127.0.0.1");
    }

    /**
     * A PEM file with a self-signed certificate that did not sign the proxy's, for "wrong CA" tests.
     */
    public static Path unrelatedCaFile(Path dir) throws IOException {
        SelfSignedTls other = SelfSignedTls.plan(dir, "unrelated", "dns:localhost,ip:127.0.0.1");
        other.create();
        Path pem = dir.resolve("unrelated-ca.pem");
        other.writePem(pem, dir.resolve("unrelated-key.pem"));
        return pem;
    }

    /** {@code https://127.0.0.1:<port>}. */
    public String url() {
        return "https://127.0.0.1:" + port;
    }

    /** The PEM file of the proxy's self-signed certificate, its own CA. */
    public Path caFile() {
        return caFile;
    }

    /** What nginx wrote: its access and error logs. */
    public String logs() throws IOException {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("nginx.out", "access.log")) {
            Path file = prefix.resolve(name);
            if (Files.exists(file)) {
                text.append(Files.readString(file, UTF_8));
            }
        }
        return text.toString();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException {
        process.close();
        ElasticsearchNode.deleteRecursively(prefix);
    }

    @Override
    public String toString() {
        return "NginxTlsProxy[" + url() + ", pid " + pid() + "]";
    }

    private static Path nginx() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("NGINX");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.addAll(LOCATIONS);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(dir + "/nginx");
            }
        }
        return candidates.stream()
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "nginx is not installed, and the TLS tests put it in front"
                                                + " of Elasticsearch: install it ('apt-get install"
                                                + " nginx'; .ci/run does) or set NGINX to its path"));
    }

    private static String configuration(
            Path prefix,
            int port,
            Path certificate,
            Path key,
            String upstream,
            String basic,
            String apiKey) {
        String unauthorized =
                "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\""
                        + UNAUTHENTICATED
                        + "\"}],\"type\":\"security_exception\",\"reason\":\""
                        + UNAUTHENTICATED
                        + "\"},\"status\":401}";
        // Workers of a root master would run as nobody, who cannot enter the private prefix.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user
                + "worker_processes 1;\n"
                + "error_log stderr notice;\n"
                + "pid "
                + prefix.resolve("nginx.pid")
                + ";\n"
                + "events { worker_connections 256; }\n"
                + "http {\n"
                + "  access_log "
                + prefix.resolve("access.log")
                + ";\n"
                + "  client_body_temp_path "
                + prefix.resolve("client_body")
                + ";\n"
                + "  proxy_temp_path "
                + prefix.resolve("proxy")
                + ";\n"
                + "  fastcgi_temp_path "
                + prefix.resolve("fastcgi")
                + ";\n"
                + "  uwsgi_temp_path "
                + prefix.resolve("uwsgi")
                + ";\n"
                + "  scgi_temp_path "
                + prefix.resolve("scgi")
                + ";\n"
                + "  map_hash_bucket_size 256;\n"
                + "  map $http_authorization $deletion_watch_authenticated {\n"
                + "    default 0;\n"
                + "    \"Basic "
                + basic
                + "\" 1;\n"
                + "    \"ApiKey "
                + apiKey
                + "\" 1;\n"
                + "  }\n"
                + "  upstream elasticsearch { server "
                + upstream.replaceFirst("^http://", "")
                + "; keepalive 8; }\n"
                + "  server {\n"
                + "    listen 127.0.0.1:"
                + port
                + " ssl;\n"
                + "    ssl_certificate "
                + certificate
                + ";\n"
                + "    ssl_certificate_key "
                + key
                + ";\n"
                + "    client_max_body_size 0;\n"
                + "    default_type application/json;\n"
                + "    location / {\n"
                + "      if ($deletion_watch_authenticated = 0) {\n"
                + "        add_header WWW-Authenticate 'Basic realm=\"security\","
                + " charset=\"UTF-8\"' always;\n"
                + "        add_header WWW-Authenticate 'ApiKey' always;\n"
                + "        add_header X-Elastic-Product 'Elasticsearch' always;\n"
                + "        return 401 '"
                + unauthorized
                + "';\n"
                + "      }\n"
                + "      proxy_pass http://elasticsearch;\n"
                + "      proxy_http_version 1.1;\n"
                + "      proxy_set_header Connection \"\";\n"
                + "    }\n"
                + "  }\n"
                + "}\n";
    }
}
