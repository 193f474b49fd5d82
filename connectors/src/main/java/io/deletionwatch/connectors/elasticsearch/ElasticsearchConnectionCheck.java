package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * Installs the index templates before a job is started, within a bounded time: the sink's writer
 * would keep retrying an unreachable cluster, so a wrong URL or credential shows here first, as
 * one line.
 */
public final class ElasticsearchConnectionCheck {
    private ElasticsearchConnectionCheck() {}

    /**
     * @throws IllegalArgumentException with one line saying what is wrong (never a secret)
     */
    public static List<IndexTemplates.Result> installTemplates(
            ElasticsearchSinkOptions options, Duration timeout) {
        String where =
                "Elasticsearch at "
                        + options.hosts().stream().map(URI::toString).collect(Collectors.joining(","));
        ElasticsearchClient client;
        try {
            client = ElasticsearchClients.create(options);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot connect to " + where + ": " + e.getMessage());
        }
        CompletableFuture<List<IndexTemplates.Result>> install =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return IndexTemplates.install(client);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        try {
            return install.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            install.cancel(true);
            throw new IllegalArgumentException(
                    "cannot reach " + where + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw failure(where, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the index templates");
        } finally {
            try {
                ElasticsearchClients.close(client);
            } catch (IOException e) {
                // closing a client that never connected: nothing to do
            }
        }
    }

    private static IllegalArgumentException failure(String where, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof ElasticsearchException || root instanceof TransportException) {
                break;
            }
            root = root.getCause();
        }
        String message;
        if (root instanceof ConnectException) {
            message = "cannot reach " + where + ": connection refused";
        } else if (root instanceof UnknownHostException) {
            message = "cannot reach " + where + ": unknown host " + root.getMessage();
        } else if (root instanceof SSLException) {
            message =
                    "TLS with "
                            + where
                            + " failed ("
                            + root.getMessage()
                            + "); a private CA needs --es-ca-file";
        } else if (status(root) == 401) {
            message =
                    where
                            + " refused the credentials (status 401); check ES_API_KEY or"
                            + " ES_USERNAME/ES_PASSWORD";
        } else {
            Exception exception =
                    root instanceof Exception e ? e : new IOException(root.toString(), root);
            message =
                    "cannot install the index templates in "
                            + where
                            + " ("
                            + BulkIndexer.describe(exception)
                            + "); grant the manage_index_templates privilege, or install them with"
                            + " the setup command and use --no-install-templates";
        }
        return new IllegalArgumentException(message);
    }

    private static int status(Throwable e) {
        if (e instanceof ElasticsearchException es) {
            return es.status();
        }
        if (e instanceof TransportException te) {
            return te.statusCode();
        }
        return 0;
    }
}
