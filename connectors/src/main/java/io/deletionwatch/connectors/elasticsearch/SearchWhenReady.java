package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Searches that find "not yet" where a watcher of a just-created data stream meets it: the first
 * write has created the backing index but its shard is not allocated yet, which a cold node
 * answers {@code 503 no_shard_available_action_exception} (or {@code search_phase_execution_exception:
 * all shards failed}); or the data stream does not exist yet. The caller asks again later and
 * bounds the whole wait itself.
 */
public final class SearchWhenReady {
    /** Error types meaning the target exists in part or not at all yet; never a lasting fault. */
    static final Set<String> NOT_YET_TYPES =
            Set.of(
                    "no_shard_available_action_exception",
                    "index_not_found_exception",
                    "unavailable_shards_exception");

    private SearchWhenReady() {}

    /**
     * The response, or empty when the target is not searchable yet.
     *
     * @throws IOException for everything else (refused credentials, a malformed query, ...)
     */
    public static <T> Optional<SearchResponse<T>> search(
            ElasticsearchClient client, SearchRequest request, Class<T> type) throws IOException {
        try {
            return Optional.of(client.search(request, type));
        } catch (IOException | ElasticsearchException e) {
            if (isNotYetSearchable(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** True for the answers of a data stream whose first shard is not allocated yet, or that is missing. */
    public static boolean isNotYetSearchable(Exception failure) {
        // The client hands a 5xx over as the low-level ResponseException, without parsing the body.
        return ElasticsearchFailures.status(failure) == 503
                || (failure instanceof ElasticsearchException es && isNotYet(es.error()));
    }

    private static boolean isNotYet(ErrorCause error) {
        if (error == null) {
            return false;
        }
        if (NOT_YET_TYPES.contains(error.type())) {
            return true;
        }
        for (ErrorCause root : error.rootCause()) {
            if (NOT_YET_TYPES.contains(root.type())) {
                return true;
            }
        }
        return isNotYet(error.causedBy());
    }
}
