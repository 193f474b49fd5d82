package io.deletionwatch.connectors.source;

import java.util.List;
import java.util.Set;

/**
 * What the split enumerator checkpoints: the partitions it has made splits for (those assigned are
 * in the readers' state) and the splits not yet assigned.
 */
public record EventHubsEnumeratorState(
        Set<String> discoveredPartitions, List<EventHubsPartitionSplit> unassigned) {
    public EventHubsEnumeratorState {
        discoveredPartitions = Set.copyOf(discoveredPartitions);
        unassigned = List.copyOf(unassigned);
    }
}
