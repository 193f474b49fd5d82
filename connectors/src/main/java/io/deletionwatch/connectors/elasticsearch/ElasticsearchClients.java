package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import co.elastic.clients.transport.rest5_client.low_level.Rest5ClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;

/**
 * Builds the elasticsearch-java client the sink and the {@code setup} command use: endpoints, TLS
 * with an optional CA file, and API key or basic authentication read from the environment or a
 * file.
 */
public final class ElasticsearchClients {
    private ElasticsearchClients() {}

    /**
     * A client for the options' endpoints, with secrets read from this process's environment. Close
     * it with {@link #close(ElasticsearchClient)}.
     *
     * @throws IOException when a secret or the CA file cannot be read; the message never holds a
     *     secret
     */
    public static ElasticsearchClient create(ElasticsearchSinkOptions options) throws IOException {
        return create(options, System.getenv());
    }

    /** As {@link #create(ElasticsearchSinkOptions)}, with secrets from the given environment. */
    public static ElasticsearchClient create(
            ElasticsearchSinkOptions options, Map<String, String> environment) throws IOException {
        HttpHost[] hosts =
                options.hosts().stream()
                        .map(ElasticsearchClients::httpHost)
                        .toArray(HttpHost[]::new);
        Rest5ClientBuilder builder = Rest5Client.builder(hosts);
        if (!options.pathPrefix().isEmpty()) {
            builder.setPathPrefix(options.pathPrefix());
        }
        Header authorization = authorization(options.credentials(), environment);
        if (authorization != null) {
            builder.setDefaultHeaders(new Header[] {authorization});
        }
        SSLContext tls;
        try {
            tls =
                    options.caCertificateFile() != null
                            ? trusting(Path.of(options.caCertificateFile()))
                            : SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IOException("the JVM has no default TLS context", e);
        }
        // The client's own TLS strategy checks no host name: any certificate the CA signed, for
        // whatever host, would do. The host must be one the certificate names.
        TlsStrategy verifyingHostNames =
                ClientTlsStrategyBuilder.create()
                        .setSslContext(tls)
                        .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                        .setHostnameVerifier(new DefaultHostnameVerifier())
                        .buildAsync();
        builder.setSSLContext(tls);
        builder.setConnectionManagerCallback(
                connections -> connections.setTlsStrategy(verifyingHostNames));
        Rest5Client restClient = builder.build();
        return new ElasticsearchClient(
                new Rest5ClientTransport(restClient, new JacksonJsonpMapper()));
    }

    /**
     * Connects and authenticates once ({@code GET /}), so that a certificate that is not trusted,
     * a host name the certificate does not hold or refused credentials are reported when the job
     * starts, not by a failing task. A 403 counts as success: the credentials are valid, and {@code
     * GET /} needs a monitoring privilege the writer role may lack.
     *
     * @return empty when the cluster answered; why not when it cannot be reached now (the sink
     *     waits for it, so that is no error)
     * @throws IOException with one line saying what to fix, for what retrying cannot fix
     */
    public static Optional<String> checkConnection(
            ElasticsearchSinkOptions options, Map<String, String> environment) throws IOException {
        ElasticsearchClient client = create(options, environment);
        try {
            client.info();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            if (ElasticsearchFailures.status(e) == 403) {
                return Optional.empty();
            }
            if (RetryPolicy.isRetriable(e)) {
                return Optional.of(ElasticsearchFailures.describe(e, options));
            }
            throw new IOException(ElasticsearchFailures.describe(e, options), e);
        } finally {
            close(client);
        }
    }

    /** Closes the client's connections. */
    public static void close(ElasticsearchClient client) throws IOException {
        if (client != null) {
            client._transport().close();
        }
    }

    static HttpHost httpHost(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new HttpHost(scheme, uri.getHost(), port);
    }

    /** The Authorization header, marked sensitive so the HTTP client never logs it. */
    static Header authorization(Credentials credentials, Map<String, String> environment)
            throws IOException {
        if (credentials instanceof Credentials.ApiKey apiKey) {
            return new BasicHeader(
                    "Authorization", "ApiKey " + apiKey.key().resolve(environment), true);
        }
        if (credentials instanceof Credentials.Basic basic) {
            String pair = basic.username() + ":" + basic.password().resolve(environment);
            return new BasicHeader(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
                    true);
        }
        return null;
    }

    /** An SSL context trusting exactly the certificates of a PEM file. */
    static SSLContext trusting(Path pemFile) throws IOException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IOException("CA certificate file " + pemFile + " does not exist");
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "CA certificate file " + pemFile + " holds no readable PEM certificate", e);
        }
        if (certificates.isEmpty()) {
            throw new IOException("CA certificate file " + pemFile + " holds no certificate");
        }
        try {
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            int i = 0;
            for (Certificate certificate : List.copyOf(certificates)) {
                trustStore.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context from " + pemFile, e);
        }
    }
}
