package io.promstream.store;

import io.promstream.parse.MetricType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A partition's checkpoint as bytes (docs/semantics.md, Checkpoints). A checkpoint is a sequence of segments,
 * each {@code PSGC}, a format number, whether it is full, records, an end mark and a CRC-32 of the segment. A
 * full segment holds every series of the partition and makes what came before it moot; an incremental one holds
 * the series changed since the segment before it, and the series removed since then. Records name their family
 * through a table written once per segment. Reading checks every segment's checksum, then replays the records in
 * order into the partition: the last record of a series wins; a removal forgets it.
 *
 * <p>{@link #take} must run while no sample is being applied to the partition, so that a segment is a consistent
 * cut of what the partition's shard delivered (the caller pauses the shard). Resets and expiry may run
 * meanwhile: what they remove is recorded now or in the next segment.
 */
public final class CheckpointCodec {
    static final int MAGIC = 0x50534743; // "PSGC"
    static final int FORMAT = 1;
    private static final int END = 0;
    private static final int SERIES = 1;
    private static final int REMOVED = 2;
    private static final int FAMILY = 3;

    private CheckpointCodec() {}

    /** A segment taken from a partition, and the series it took, to mark changed again if it is not committed. */
    public static final class Segment {
        private final byte[] bytes;
        private final boolean full;
        private final int series;
        private final int removals;
        private final List<Series> taken;

        Segment(byte[] bytes, boolean full, int series, int removals, List<Series> taken) {
            this.bytes = bytes;
            this.full = full;
            this.series = series;
            this.removals = removals;
            this.taken = taken;
        }

        public byte[] bytes() {
            return bytes;
        }

        public boolean isFull() {
            return full;
        }

        /** Series written. */
        public int series() {
            return series;
        }

        /** Removals written. */
        public int removals() {
            return removals;
        }

        /** Nothing changed since the last segment. */
        public boolean isEmpty() {
            return series == 0 && removals == 0 && !full;
        }

        /** The segment was not committed: what it took is changed again, for the next one to take. */
        public void abandon() {
            for (Series s : taken) {
                s.changedAgain();
            }
        }
    }

    /**
     * Takes the partition's changes since the last segment, or everything it holds ({@code full}), as a segment.
     * No sample may be applied to the partition meanwhile.
     */
    public static Segment take(MetricStore store, Partition partition, boolean full) {
        try {
            List<Series> changed = partition.takeChanged();
            Writer writer = new Writer(full);
            if (full) {
                for (Family family : store.allFamilies()) {
                    for (Series s : family.series.values()) {
                        if (s.partition() == partition) {
                            writer.series(s, partition);
                        }
                    }
                }
            } else {
                for (Series s : changed) {
                    writer.series(s, partition);
                }
            }
            // a full segment that is not committed is followed by another full one: nothing to mark again
            return new Segment(writer.finish(), full, writer.series, writer.removals, full ? List.of() : changed);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /** What reading a checkpoint found. */
    public record Loaded(int segments, int series, int refused, long bytes) {}

    /**
     * Reads the segments into the partition, which must be empty and take no samples yet. Series that cannot be
     * placed (their name is another type's in this store, say) are counted as refused.
     */
    public static Loaded load(MetricStore store, Partition partition, byte[] bytes) throws CorruptCheckpointException {
        int segments;
        try {
            segments = new Reader(bytes).readAll(Visitor.NONE); // every checksum first: damaged means nothing applied
        } catch (CorruptCheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException("unreadable checkpoint: " + e, e);
        }
        Restorer restorer = new Restorer(store, partition, bytes);
        try {
            new Reader(bytes).readAll(restorer);
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException("unreadable series in checkpoint: " + e, e);
        }
        return new Loaded(segments, store.restoredCount(partition), restorer.refused, bytes.length);
    }

    /** What reading a checkpoint meets, in order. */
    private interface Visitor {
        Visitor NONE = new Visitor() {};

        /** A full segment begins: what came before it is moot. */
        default void full() {}

        /** The latest state of a series, at {@code offset} for {@code length} bytes. */
        default void series(FamilyDef family, int offset, int length) throws IOException {}

        /** A series removed. */
        default void removed(FamilyDef family, LabelSet labels) {}
    }

    /**
     * Applies records straight into the partition as they come, so a load never holds more than the store it
     * builds and the bytes it reads: a later record of a series replaces the one restored before, a removal
     * removes it, a full segment clears what came before.
     */
    private static final class Restorer implements Visitor {
        private final MetricStore store;
        private final Partition partition;
        private final byte[] bytes;
        private final Map<LabelSet, Group> groups = new HashMap<>();
        private final SeriesCodec.Names names = new SeriesCodec.Names();
        int refused;

        Restorer(MetricStore store, Partition partition, byte[] bytes) {
            this.store = store;
            this.partition = partition;
            this.bytes = bytes;
        }

        @Override
        public void full() {
            store.clearRestored(partition);
            groups.clear();
        }

        @Override
        public void series(FamilyDef family, int offset, int length) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
            Series series = SeriesCodec.readSeries(in, family.type, store, partition, groups, names);
            if (series == null || !store.restore(partition, family.name, family.type, family.help, series)) {
                refused++;
            }
        }

        @Override
        public void removed(FamilyDef family, LabelSet labels) {
            store.unrestore(partition, family.name, labels);
        }
    }

    /** Writes one segment into memory. */
    private static final class Writer {
        private final Buffer buffer = new Buffer();
        private final DataOutputStream out = new DataOutputStream(buffer);
        private final IdentityHashMap<Family, Integer> ids = new IdentityHashMap<>();
        int series;
        int removals;

        Writer(boolean full) throws IOException {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeBoolean(full);
        }

        void series(Series s, Partition partition) throws IOException {
            Family family = s.family();
            int id = define(family);
            int mark = buffer.size();
            out.writeByte(SERIES);
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
            out.writeByte(REMOVED);
            out.writeInt(id);
            SeriesCodec.writeLabels(out, s.labels());
            removals++;
        }

        private int define(Family family) throws IOException {
            Integer id = ids.get(family);
            if (id != null) {
                return id;
            }
            int next = ids.size();
            ids.put(family, next);
            out.writeByte(FAMILY);
            out.writeInt(next);
            SeriesCodec.writeString(out, family.name());
            out.writeByte(family.type().checkpointCode());
            SeriesCodec.writeString(out, family.help() == null ? "" : family.help());
            return next;
        }

        byte[] finish() throws IOException {
            out.writeByte(END);
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(buffer.array(), 0, buffer.size());
            out.writeLong(crc.getValue());
            out.flush();
            return buffer.toByteArray();
        }
    }

    /** A family as a segment defines it. */
    private record FamilyDef(String name, MetricType type, String help) {}

    /** Reads segments, checking each one's checksum, and hands their records to a visitor in order. */
    private static final class Reader {
        private final byte[] bytes;
        private final Position position;
        private final DataInputStream in;

        Reader(byte[] bytes) {
            this.bytes = bytes;
            this.position = new Position(bytes);
            this.in = new DataInputStream(position);
        }

        /** Reads every segment; returns how many there were. */
        int readAll(Visitor visitor) throws IOException {
            int segments = 0;
            while (position.offset() < bytes.length) {
                segment(visitor);
                segments++;
            }
            return segments;
        }

        void segment(Visitor visitor) throws IOException {
            int start = position.offset();
            if (in.readInt() != MAGIC) {
                throw new CorruptCheckpointException("not a checkpoint segment at byte " + start, null);
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new CorruptCheckpointException(
                        "checkpoint format " + format + " is not supported (expected " + FORMAT + ")", null);
            }
            if (in.readBoolean()) {
                visitor.full();
            }
            Map<Integer, FamilyDef> families = new HashMap<>();
            while (true) {
                int kind = in.readByte();
                if (kind == END) {
                    break;
                }
                switch (kind) {
                    case FAMILY -> {
                        int id = in.readInt();
                        String name = SeriesCodec.readString(in);
                        int code = in.readByte();
                        MetricType type = MetricType.ofCheckpointCode(code);
                        if (type == null) {
                            throw new CorruptCheckpointException("unknown metric type " + code, null);
                        }
                        String help = SeriesCodec.readString(in);
                        families.put(id, new FamilyDef(name, type, help.isEmpty() ? null : help));
                    }
                    case SERIES -> {
                        FamilyDef family = family(families, in.readInt());
                        int length = in.readInt();
                        int offset = position.offset();
                        if (length < 0 || length > bytes.length - offset) {
                            throw new CorruptCheckpointException("corrupt series length " + length, null);
                        }
                        in.skipNBytes(length);
                        visitor.series(family, offset, length);
                    }
                    case REMOVED -> {
                        FamilyDef family = family(families, in.readInt());
                        visitor.removed(family, SeriesCodec.readLabels(in));
                    }
                    default -> throw new CorruptCheckpointException("unknown record kind " + kind, null);
                }
            }
            int end = position.offset();
            long stored = in.readLong();
            CRC32 crc = new CRC32();
            crc.update(bytes, start, end - start);
            if (crc.getValue() != stored) {
                throw new CorruptCheckpointException("checksum mismatch in the segment at byte " + start, null);
            }
        }

        private static FamilyDef family(Map<Integer, FamilyDef> families, int id) throws CorruptCheckpointException {
            FamilyDef family = families.get(id);
            if (family == null) {
                throw new CorruptCheckpointException("record names undefined family " + id, null);
            }
            return family;
        }
    }

    /** A byte array input stream that says where it is. */
    private static final class Position extends ByteArrayInputStream {
        Position(byte[] bytes) {
            super(bytes);
        }

        int offset() {
            return pos;
        }
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
