package io.promstream.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.zip.CRC32;

/**
 * Writes one checkpoint segment into memory ({@link CheckpointCodec}): the header, a family's definition before its
 * first record, a record per series taken (or its removal), the end mark and the CRC-32 of the segment.
 */
final class CheckpointWriter {
    private final Buffer buffer = new Buffer();
    private final DataOutputStream out = new DataOutputStream(buffer);
    private final IdentityHashMap<Family, Integer> ids = new IdentityHashMap<>();
    int series;
    int removals;

    CheckpointWriter(boolean full) throws IOException {
        out.writeInt(CheckpointCodec.MAGIC);
        out.writeInt(CheckpointCodec.FORMAT);
        out.writeBoolean(full);
    }

    void series(Series s, Partition partition) throws IOException {
        Family family = s.family();
        int id = define(family);
        int mark = buffer.size();
        out.writeByte(CheckpointCodec.SERIES);
        out.writeInt(id);
        out.writeInt(0); // the length, filled in below
        int start = buffer.size();
        SeriesCodec.writeHead(out, s);
        if (s.takeChange(out)) {
            out.flush();
            buffer.putInt(start - Integer.BYTES, buffer.size() - start);
            series++;
            return;
        }
        buffer.truncate(mark);
        Series live = family.find(s.labels(), partition);
        if (live != null && !live.isRemoved()) {
            return; // replaced by a series of the same labels: its own record says what holds
        }
        out.writeByte(CheckpointCodec.REMOVED);
        out.writeInt(id);
        SeriesCodec.writeLabels(out, s.labels());
        removals++;
    }

    /** The seen keys taken, as records of at most 4096 keys each. */
    void seen(SeenKeys.Taken seen) throws IOException {
        long[] keys = seen.keys();
        long[] expiries = seen.expiries();
        for (int from = 0; from < keys.length; from += 4096) {
            int n = Math.min(4096, keys.length - from);
            out.writeByte(CheckpointCodec.SEEN);
            out.writeInt(n);
            for (int i = from; i < from + n; i++) {
                out.writeLong(keys[i]);
                out.writeLong(expiries[i]);
            }
        }
    }

    private int define(Family family) throws IOException {
        Integer id = ids.get(family);
        if (id != null) {
            return id;
        }
        int next = ids.size();
        ids.put(family, next);
        out.writeByte(CheckpointCodec.FAMILY);
        out.writeInt(next);
        SeriesCodec.writeString(out, family.name());
        out.writeByte(family.type().checkpointCode());
        SeriesCodec.writeString(out, family.help() == null ? "" : family.help());
        return next;
    }

    byte[] finish() throws IOException {
        out.writeByte(CheckpointCodec.END);
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(buffer.array(), 0, buffer.size());
        out.writeLong(crc.getValue());
        out.flush();
        return buffer.toByteArray();
    }

    /** A byte array output stream that can forget its tail and lend its array. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1 << 12);
        }

        void truncate(int size) {
            count = size;
        }

        void putInt(int at, int value) {
            ByteBuffer.wrap(buf, at, Integer.BYTES).putInt(value);
        }

        byte[] array() {
            return buf;
        }
    }
}
