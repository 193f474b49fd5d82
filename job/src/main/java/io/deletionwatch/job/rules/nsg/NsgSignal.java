package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.events.ActivityEvent;
import java.util.List;

/**
 * What the NSG sequence rules match on, keyed by the NSG.
 *
 * @param nsgKey the NSG's key (lower case)
 * @param nsgId the NSG's id as received
 * @param holderKey for {@link Kind#DETACHED}: the subnet or NIC left without an NSG
 * @param holderId the same id as received
 * @param holders for {@link Kind#DELETE_BLOCKED}: the keys of the subnets and NICs the error lists
 * @param event the event behind it (the subnet/NIC write, the delete), bodies dropped
 */
public record NsgSignal(
        Kind kind,
        String nsgKey,
        String nsgId,
        String holderKey,
        String holderId,
        List<String> holders,
        ActivityEvent event) {

    public enum Kind {
        /** A delete refused because the NSG is in use. */
        DELETE_BLOCKED,
        /** A subnet or NIC write removed the NSG and left it without one. */
        DETACHED,
        /** The NSG was deleted. */
        DELETED
    }
}
