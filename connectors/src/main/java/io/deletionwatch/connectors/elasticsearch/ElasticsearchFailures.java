package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One-line descriptions of what went wrong talking to Elasticsearch, saying what to fix when it is
 * the configuration: an untrusted certificate, a certificate for another host name, refused
 * credentials. Never holds request content or a secret: only the secret's reference.
 */
public final class ElasticsearchFailures {
    private ElasticsearchFailures() {}

    /** The server's certificate is not trusted, or not valid for the host: no retry can help. */
    public static boolean isTlsTrustFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException
                    || cause instanceof CertPathBuilderException
                    || cause instanceof CertPathValidatorException
                    || cause instanceof SSLPeerUnverifiedException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * What went wrong, and for configuration errors what to change, e.g. {@code Elasticsearch at
     * [https://es:9200] refused the credentials (the API key from env:ES_API_KEY): status 401:
     * security_exception: ...}.
     */
    public static String describe(Exception failure, ElasticsearchSinkOptions options) {
        String where = "Elasticsearch at " + options.hosts();
        if (isTlsTrustFailure(failure)) {
            SSLPeerUnverifiedException hostMismatch = find(failure, SSLPeerUnverifiedException.class);
            if (hostMismatch != null) {
                return "the TLS certificate of "
                        + where
                        + " is not valid for that host name ("
                        + hostMismatch.getMessage()
                        + "); use a URL with a name the certificate holds";
            }
            return "the TLS certificate of "
                    + where
                    + " is not trusted ("
                    + describe(failure)
                    + "); "
                    + (options.caCertificateFile() == null
                            ? "give the CA that signed it with --es-ca-file or ES_CA_CERT"
                            : "the CA file " + options.caCertificateFile() + " did not sign it");
        }
        int status = status(failure);
        if (status == 401) {
            return where
                    + " refused the credentials ("
                    + credentials(options.credentials())
                    + "): "
                    + describe(failure);
        }
        if (status == 403) {
            return where
                    + " accepted the credentials ("
                    + credentials(options.credentials())
                    + ") but they lack a privilege: "
                    + describe(failure);
        }
        return where + ": " + describe(failure);
    }

    /** A one-line description of a failure, without request content. */
    public static String describe(Exception failure) {
        if (failure instanceof ElasticsearchException es) {
            return "status " + es.status() + ": " + describe(es.error());
        }
        if (failure instanceof TransportException te) {
            return "status " + te.statusCode() + ": " + te.getMessage();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + message;
    }

    /** {@code type: reason}, with the first cause, e.g. the number format behind a parse error. */
    static String describe(ErrorCause error) {
        if (error == null) {
            return "(no error details)";
        }
        StringBuilder text = new StringBuilder();
        text.append(error.type()).append(": ").append(error.reason());
        ErrorCause cause = error.causedBy();
        if (cause != null) {
            text.append(" (caused by ").append(cause.type()).append(": ").append(cause.reason());
            text.append(')');
        }
        return text.toString();
    }

    /** The HTTP status of a failed request, or 0 when there was no answer. */
    public static int status(Exception failure) {
        if (failure instanceof ElasticsearchException e) {
            return e.status();
        }
        if (failure instanceof TransportException e) {
            return Math.max(e.statusCode(), 0);
        }
        if (failure instanceof ResponseException e) {
            return e.getResponse().getStatusCode();
        }
        return 0;
    }

    private static String credentials(Credentials credentials) {
        if (credentials instanceof Credentials.ApiKey apiKey) {
            return "the API key from " + apiKey.key();
        }
        if (credentials instanceof Credentials.Basic basic) {
            return "user " + basic.username() + ", password from " + basic.password();
        }
        return "none were given: set "
                + Credentials.API_KEY_VARIABLE
                + " or "
                + Credentials.USERNAME_VARIABLE
                + " and "
                + Credentials.PASSWORD_VARIABLE;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
