package io.deletionwatch.connectors.elasticsearch;

import java.io.Serializable;

/**
 * A document to create in a data stream.
 *
 * @param id the {@code _id}; a deterministic id makes a replayed document answer 409, which the
 *     sink counts as success. Null lets Elasticsearch choose (for dead letters).
 * @param source the JSON document, UTF-8
 */
public record IndexedDocument(String id, byte[] source) implements Serializable {}
