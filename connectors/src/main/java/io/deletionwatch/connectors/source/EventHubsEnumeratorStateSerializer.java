package io.deletionwatch.connectors.source;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Checkpoints {@link EventHubsEnumeratorState}; version 1. */
public final class EventHubsEnumeratorStateSerializer
        implements SimpleVersionedSerializer<EventHubsEnumeratorState> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(EventHubsEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            // Sorted, so equal states give equal bytes.
            Set<String> partitions = new TreeSet<>(state.discoveredPartitions());
            out.writeInt(partitions.size());
            for (String partition : partitions) {
                out.writeUTF(partition);
            }
            out.writeInt(state.unassigned().size());
            for (EventHubsPartitionSplit split : state.unassigned()) {
                EventHubsPartitionSplitSerializer.write(split, out);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public EventHubsEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown Event Hubs enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int partitionCount = in.readInt();
            Set<String> partitions = new TreeSet<>();
            for (int i = 0; i < partitionCount; i++) {
                partitions.add(in.readUTF());
            }
            int splitCount = in.readInt();
            List<EventHubsPartitionSplit> splits = new ArrayList<>(splitCount);
            for (int i = 0; i < splitCount; i++) {
                splits.add(EventHubsPartitionSplitSerializer.read(in));
            }
            return new EventHubsEnumeratorState(partitions, splits);
        }
    }
}
