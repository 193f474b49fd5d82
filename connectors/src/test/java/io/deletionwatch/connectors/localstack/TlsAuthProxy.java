package io.deletionwatch.connectors.localstack;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real TLS endpoint with Elasticsearch's authentication in front of a node that has neither (the
 * security module is not on Maven Central), made with the JDK alone so that the tests need no system
 * package: the JDK's HTTPS server on a free port of 127.0.0.1, with a self-signed certificate,
 * forwarding every request to the node. Like a secured cluster it lets a request through only with
 * {@code Authorization: Basic <base64 user:password>} of its user or {@code Authorization: ApiKey
 * <base64 id:key>} of its key, and answers anything else 401 with Elasticsearch's {@code
 * security_exception} body and {@code WWW-Authenticate} headers.
 *
 * <p>It runs in the test's JVM, so it cannot outlive the test; {@link #close()} stops it and
 * removes its certificate files.
 */
public final class TlsAuthProxy implements AutoCloseable {
    /** The user the proxy accepts with basic authentication. */
    public static final String USER = "deletion-watch-writer";

    /** The reason Elasticsearch gives when no credentials (or unknown ones) come with a request. */
    public static final String UNAUTHENTICATED =
            "unable to authenticate with provided credentials and anonymous access is not allowed"
                    + " for this request";

    private static final String UNAUTHORIZED_BODY =
            "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\""
                    + UNAUTHENTICATED
                    + "\"}],\"type\":\"security_exception\",\"reason\":\""
                    + UNAUTHENTICATED
                    + "\"},\"status\":401}";

    /** Hop-by-hop headers and those the JDK client sets itself: never forwarded. */
    private static final Set<String> NOT_FORWARDED =
            Set.of(
                    "connection",
                    "content-length",
                    "expect",
                    "host",
                    "keep-alive",
                    "transfer-encoding",
                    "upgrade",
                    "te",
                    "trailer",
                    "proxy-connection");

    private final HttpsServer server;
    private final ExecutorService executor;
    private final HttpClient upstreamClient;
    private final URI upstream;
    private final Path dir;
    private final Path caFile;
    private final Set<String> accepted;

    private TlsAuthProxy(
            HttpsServer server,
            ExecutorService executor,
            URI upstream,
            Path dir,
            Path caFile,
            Set<String> accepted) {
        this.server = server;
        this.executor = executor;
        this.upstream = upstream;
        this.dir = dir;
        this.caFile = caFile;
        this.accepted = accepted;
        this.upstreamClient =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .executor(executor)
                        .build();
    }

    /**
     * Starts the proxy in front of {@code upstream} (e.g. a node's {@code http://127.0.0.1:port}),
     * accepting {@link #USER} with {@code password} and the API key {@code apiKey} (the encoded
     * form Kibana shows, base64 of {@code id:key}).
     *
     * @param subjectAltNames the names the certificate is valid for, keytool's form; {@code
     *     dns:localhost,ip:127.0.0.1} makes {@link #url()} verify, anything else a host name
     *     mismatch
     */
    public static TlsAuthProxy start(
            String upstream, String password, String apiKey, String subjectAltNames)
            throws IOException {
        Path dir = Files.createTempDirectory("deletion-watch-tls-proxy-");
        try {
            SelfSignedTls tls = SelfSignedTls.plan(dir, "proxy", subjectAltNames);
            tls.create();
            Path caFile = dir.resolve("proxy.pem");
            tls.writePem(caFile, dir.resolve("proxy-key.pem"));
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setHttpsConfigurator(new HttpsConfigurator(sslContext(tls)));
            AtomicInteger threads = new AtomicInteger();
            ExecutorService executor =
                    Executors.newCachedThreadPool(
                            r -> {
                                Thread t = new Thread(r, "tls-proxy-" + threads.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
            server.setExecutor(executor);
            String basic = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(UTF_8));
            TlsAuthProxy proxy =
                    new TlsAuthProxy(
                            server,
                            executor,
                            URI.create(upstream),
                            dir,
                            caFile,
                            Set.of("Basic " + basic, "ApiKey " + apiKey));
            server.createContext("/", proxy::handle);
            server.start();
            return proxy;
        } catch (IOException | RuntimeException e) {
            ElasticsearchNode.deleteRecursively(dir);
            throw e;
        }
    }

    /** As {@link #start(String, String, String, String)}, valid for localhost and 127.0.0.1. */
    public static TlsAuthProxy start(String upstream, String password, String apiKey)
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
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The PEM file of the proxy's self-signed certificate, its own CA. */
    public Path caFile() {
        return caFile;
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        executor.shutdownNow();
        ElasticsearchNode.deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return "TlsAuthProxy[" + url() + " -> " + upstream + "]";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !accepted.contains(authorization)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"security\", charset=\"UTF-8\"");
                exchange.getResponseHeaders().add("WWW-Authenticate", "ApiKey");
                exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                respond(exchange, 401, UNAUTHORIZED_BODY.getBytes(UTF_8));
                return;
            }
            HttpResponse<byte[]> answer;
            try {
                answer = upstreamClient.send(forwarded(exchange, body), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 503, new byte[0]);
                return;
            } catch (IOException e) {
                respond(exchange, 502, ("upstream: " + e).getBytes(UTF_8));
                return;
            }
            for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
                if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().put(header.getKey(), header.getValue());
                }
            }
            respond(exchange, answer.statusCode(), answer.body());
        }
    }

    private HttpRequest forwarded(HttpExchange exchange, byte[] body) {
        URI requested = exchange.getRequestURI();
        String pathAndQuery =
                requested.getRawPath() + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery());
        HttpRequest.Builder request =
                HttpRequest.newBuilder(upstream.resolve(pathAndQuery))
                        .timeout(Duration.ofMinutes(2))
                        .method(
                                exchange.getRequestMethod(),
                                body.length == 0
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) -> {
                            String lower = name.toLowerCase(Locale.ROOT);
                            // The node has no security: credentials stop here, as at a real proxy.
                            if (!NOT_FORWARDED.contains(lower) && !lower.equals("authorization")) {
                                values.forEach(value -> request.header(name, value));
                            }
                        });
        return request.build();
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        // -1: no body; a positive length: exactly that many bytes (0 would mean chunked)
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static SSLContext sslContext(SelfSignedTls tls) throws IOException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(tls.keystore())) {
                keys.load(in, tls.keystorePassword().toCharArray());
            }
            KeyManagerFactory factory =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, tls.keystorePassword().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the proxy's certificate from " + tls.keystore(), e);
        }
    }
}
