package io.deletionwatch.job.rules.nsg;

import org.apache.flink.cep.EventComparator;

/**
 * Of signals with the same time: the refused delete, then detachments, then the deletion, the
 * order in which they can have happened.
 */
public final class NsgSignalOrder implements EventComparator<NsgSignal> {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(NsgSignal a, NsgSignal b) {
        return Integer.compare(a.kind().ordinal(), b.kind().ordinal());
    }
}
