package io.promstream.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Writes one checkpoint segment into memory ({@link CheckpointCodec}): the header, a family's definition before its
 * first record, a record per series taken (or its removal), the end mark and the CRC-32 of the segment.
 */
final class CheckpointWriter {
    private final Buffer buffer = new Buffer();
    private final DataOutputStream out = new DataOutputStream(buffer);
    private final IdentityHashMap<Family, Integer> families = new IdentityHashMap<>();
    private final CheckpointIds ids;
    private Family lastFamily;
    private int lastFamilyId;
    int series;
    int removals;

    CheckpointWriter(boolean full, CheckpointIds ids) throws IOException {
        this.ids = ids;
        ids.segment(full);
        out.writeInt(CheckpointCodec.MAGIC);
        out.writeInt(CheckpointCodec.FORMAT);
        out.writeBoolean(full);
    }

    /**
     * A series' state: with its family and labels under a new number the first time, by its number alone after
     * that ({@link CheckpointIds}); or its removal.
     */
    void series(Series s, Partition partition) throws IOException {
        boolean known = ids.known(s);
        int family = known ? -1 : define(s.family()); // a family's definition stays, whatever follows
        int mark = buffer.size();
        if (known) {
            out.writeByte(CheckpointCodec.SERIES_REF);
            out.writeInt(s.checkpointId());
        } else {
            out.writeByte(CheckpointCodec.SERIES_ID);
            out.writeInt(family);
            out.writeInt(0); // the number, given below if the series is written
        }
        out.writeInt(0); // the length, filled in below
        int start = buffer.size();
        if (known) {
            SeriesCodec.writeKind(out, s);
        } else {
            SeriesCodec.writeHead(out, s);
        }
        if (s.takeChange(out)) {
            out.flush();
            buffer.putInt(start - Integer.BYTES, buffer.size() - start);
            if (!known) {
                buffer.putInt(start - 2 * Integer.BYTES, ids.assign(s));
            }
            series++;
            return;
        }
        buffer.truncate(mark);
        Series live = s.family().find(s.labels(), partition);
        if (live != null && !live.isRemoved()) {
            return; // replaced by a series of the same labels: its own record says what holds
        }
        int id = define(s.family());
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
        if (family == lastFamily) {
            return lastFamilyId; // series come family by family, mostly
        }
        Integer id = families.get(family);
        if (id == null) {
            id = families.size();
            families.put(family, id);
            writeFamily(family, id);
        }
        lastFamily = family;
        lastFamilyId = id;
        return id;
    }

    private void writeFamily(Family family, int next) throws IOException {
        out.writeByte(CheckpointCodec.FAMILY);
        out.writeInt(next);
        SeriesCodec.writeString(out, family.name());
        out.writeByte(family.type().checkpointCode());
        SeriesCodec.writeString(out, family.help() == null ? "" : family.help());
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

    /**
     * A byte array output stream that can forget its tail and lend its array, and writes without taking its lock
     * (one writer, one thread: the lock cost about as much as the rest of a changed counter's record).
     */
    @SuppressWarnings("UnsynchronizedOverridesSynchronized") // on purpose: see above
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1 << 12);
        }

        @Override
        public void write(int b) {
            room(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            room(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void room(int more) {
            if (buf.length - count < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, Math.addExact(count, more)));
            }
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
