package io.deletionwatch.kibana.assets;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic ids, so regenerating the assets gives the same bytes. */
final class Ids {
    private Ids() {}

    /** A UUID (the form Kibana itself generates) derived from a readable seed. */
    static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(("deletion-watch/" + seed).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
