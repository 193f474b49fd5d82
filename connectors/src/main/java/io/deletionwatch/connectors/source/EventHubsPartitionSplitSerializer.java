package io.deletionwatch.connectors.source;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Checkpoints {@link EventHubsPartitionSplit}s; version 1. */
public final class EventHubsPartitionSplitSerializer
        implements SimpleVersionedSerializer<EventHubsPartitionSplit> {
    static final EventHubsPartitionSplitSerializer INSTANCE =
            new EventHubsPartitionSplitSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(EventHubsPartitionSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public EventHubsPartitionSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown Event Hubs split version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    static void write(EventHubsPartitionSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.eventHub());
        out.writeUTF(split.partitionId());
        out.writeByte(split.start().ordinal());
        out.writeLong(split.value());
        out.writeLong(split.stoppingSequenceNumber());
    }

    static EventHubsPartitionSplit read(DataInputStream in) throws IOException {
        String hub = in.readUTF();
        String partition = in.readUTF();
        int start = in.readByte();
        EventHubsPartitionSplit.Start[] starts = EventHubsPartitionSplit.Start.values();
        if (start < 0 || start >= starts.length) {
            throw new IOException("unknown Event Hubs split start " + start);
        }
        return new EventHubsPartitionSplit(
                hub, partition, starts[start], in.readLong(), in.readLong());
    }
}
