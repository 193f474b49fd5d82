package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSON over HTTP to one server (Elasticsearch or Kibana), with its credentials and the headers it
 * needs. Failures to connect become {@link SetupException}s that name the server and the URL.
 */
final class RestClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String service;
    private final URI base;
    private final Credentials credentials;
    private final Map<String, String> headers;
    private final HttpClient http;
    private final Duration timeout;

    RestClient(
            String service,
            URI base,
            Credentials credentials,
            Map<String, String> headers,
            HttpClient http,
            Duration timeout) {
        this.service = service;
        this.base = base;
        this.credentials = credentials;
        this.headers = new LinkedHashMap<>(headers);
        this.http = http;
        this.timeout = timeout;
    }

    /** An HTTP client for both servers, trusting the CA file's certificates when one is given. */
    static HttpClient httpClient(Optional<Path> caFile, Duration connectTimeout) {
        HttpClient.Builder builder =
                HttpClient.newBuilder()
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1);
        caFile.ifPresent(path -> builder.sslContext(trusting(path)));
        return builder.build();
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new SetupException("--ca-file " + caFile + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new SetupException("cannot read --ca-file " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new SetupException(
                    "--ca-file " + caFile + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    String service() {
        return service;
    }

    URI base() {
        return base;
    }

    HttpResponse get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    HttpResponse delete(String path) {
        return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    HttpResponse put(String path, JsonNode body) {
        return send("PUT", path, json(body), "application/json");
    }

    HttpResponse post(String path, JsonNode body) {
        return send("POST", path, json(body), "application/json");
    }

    /** A {@code multipart/form-data} POST with one file field, as Kibana's import APIs take. */
    HttpResponse postFile(String path, String field, String fileName, byte[] content) {
        String boundary = "deletion-watch-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] head =
                ("--" + boundary + "\r\n"
                                + "Content-Disposition: form-data; name=\"" + field
                                + "\"; filename=\"" + fileName + "\"\r\n"
                                + "Content-Type: application/ndjson\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        body.writeBytes(head);
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(
                "POST",
                path,
                HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()),
                "multipart/form-data; boundary=" + boundary);
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a request body", e);
        }
    }

    private HttpResponse send(
            String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(timeout)
                        .method(method, body)
                        .header("Accept", "application/json");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (credentials.authorization() != null) {
            request.header("Authorization", credentials.authorization());
        }
        headers.forEach(request::header);
        try {
            java.net.http.HttpResponse<String> response =
                    http.send(
                            request.build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new HttpResponse(method, path, response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("the connection timed out", e);
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw unreachable("connection refused", e);
        } catch (SSLException e) {
            throw unreachable("TLS failed (" + e.getMessage() + "); is --ca-file right?", e);
        } catch (IOException e) {
            throw unreachable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted while calling " + service, e);
        }
    }

    private SetupException unreachable(String why, Exception cause) {
        return new SetupException("cannot reach " + service + " at " + base + ": " + why, cause);
    }

    /**
     * The response when it is a success; otherwise a {@link SetupException} that says what was
     * refused and why: 401 names the credential variables, 403 the missing privilege.
     */
    HttpResponse expectSuccess(HttpResponse response, String doing) {
        if (response.isSuccess()) {
            return response;
        }
        throw refused(response, doing);
    }

    SetupException refused(HttpResponse response, String doing) {
        String where = service + " at " + base;
        return switch (response.status()) {
            case 401 -> new SetupException(
                    where + " refused the credentials (401 Unauthorized) while " + doing + "; "
                            + "using " + credentials.describe() + ". " + credentialHint());
            case 403 -> new SetupException(
                    where + " refused to let " + credentials.describe() + " " + doing
                            + " (403 Forbidden): " + response.reason());
            default -> new SetupException(
                    where + " answered " + response.status() + " to " + response.method() + " "
                            + response.path() + " while " + doing + ": " + response.reason());
        };
    }

    private String credentialHint() {
        return service.equals("Kibana")
                ? "Set KIBANA_API_KEY or KIBANA_USERNAME/KIBANA_PASSWORD."
                : "Set ES_API_KEY or ES_USERNAME/ES_PASSWORD.";
    }
}
