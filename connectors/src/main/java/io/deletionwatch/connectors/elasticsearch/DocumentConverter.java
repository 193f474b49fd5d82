package io.deletionwatch.connectors.elasticsearch;

import java.io.Serializable;

/** Turns a stream element into the document the Elasticsearch sink creates. */
@FunctionalInterface
public interface DocumentConverter<T> extends Serializable {
    IndexedDocument convert(T element);
}
