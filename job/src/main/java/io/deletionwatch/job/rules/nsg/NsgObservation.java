package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.Outcome;
import java.util.List;

/**
 * What one event says about the subnets or NIC under one tracker key (a VNet, or a NIC).
 *
 * @param trackerKey the VNet of the subnets, or the NIC
 * @param kind a write (takes effect when it succeeds) or a statement of fact (an NSG is attached)
 * @param outcome the write's phase outcome
 * @param attachments what the body shows per subnet/NIC; null when no body showed it (a success
 *     row without a body then completes the request body its Start row carried)
 * @param event the event, bodies dropped
 */
public record NsgObservation(
        String trackerKey,
        Kind kind,
        String correlationId,
        Outcome outcome,
        List<Attachment> attachments,
        ActivityEvent event) {

    public enum Kind {
        /** A subnet, VNet or NIC write. */
        WRITE,
        /** The NSG is attached to these holders: an in-use error, an NSG's response body. */
        ATTACHED
    }

    /** Order among observations with the same time: facts, then Start, failure, success rows. */
    int rank() {
        if (kind == Kind.ATTACHED) {
            return 0;
        }
        return switch (outcome) {
            case IN_PROGRESS -> 1;
            case FAILURE -> 2;
            default -> 3;
        };
    }
}
