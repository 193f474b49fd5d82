package io.deletionwatch.connectors.elasticsearch;

import java.io.Serializable;

/**
 * A document to create in a data stream.
 *
 * @param id the {@code _id}; a deterministic id makes a replayed document answer 409, which the
 *     sink counts as success. Null lets Elasticsearch choose (for dead letters).
 * @param source the JSON document, UTF-8
 * @param version 0 for a document that never changes; otherwise a number that only grows between
 *     versions of the document with this id, written in the document as {@link #VERSION_FIELD}: a
 *     higher version replaces the stored one, an equal or lower one changes nothing
 */
public record IndexedDocument(String id, byte[] source, long version) implements Serializable {
    /** Where a versioned document holds its version, for the sink to compare with. */
    public static final String VERSION_FIELD = "deletion_watch.version";

    public IndexedDocument {
        if (version < 0) {
            throw new IllegalArgumentException("a document version is 0 or more, got " + version);
        }
        if (version > 0 && id == null) {
            throw new IllegalArgumentException("a versioned document needs an id");
        }
    }

    /** A document that never changes. */
    public IndexedDocument(String id, byte[] source) {
        this(id, source, 0);
    }
}
