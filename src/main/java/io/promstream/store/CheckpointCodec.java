package io.promstream.store;

import io.promstream.parse.MetricType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A partition's checkpoint as bytes (docs/semantics.md, Checkpoints). A checkpoint is a sequence of segments,
 * each {@code PSGC}, a format number, whether it is full, records, an end mark and a CRC-32 of the segment. A
 * full segment holds every series of the partition and makes what came before it moot; an incremental one holds
 * the series changed since the segment before it, and the series removed since then. Records name their family
 * through a table written once per segment. Reading replays the segments in order: the last record of a series
 * wins; a removal forgets it.
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

    private CheckpointCodec() {
    }

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
            return new Segment(writer.finish(), full, writer.series, writer.removals, changed);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /** What reading a checkpoint found. */
    public record Loaded(int segments, int series, int refused, long bytes) {
    }

    /**
     * Reads the segments into the partition, which must be empty and take no samples yet. Series that cannot be
     * placed (their name is another type's in this store, say) are counted as refused.
     */
    public static Loaded load(MetricStore store, Partition partition, byte[] bytes) throws CorruptCheckpointException {
        Reader reader = new Reader(bytes);
        int segments = 0;
        try {
            while (reader.hasMore()) {
                reader.segment();
                segments++;
            }
        } catch (CorruptCheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException("unreadable checkpoint segment " + (segments + 1) + ": " + e, e);
        }
        int restored = 0;
        int refused = 0;
        Map<LabelSet, Group> groups = new HashMap<>();
        try {
            for (Record record : reader.records.values()) {
                DataInputStream in = new DataInputStream(
                        new ByteArrayInputStream(bytes, record.offset, record.length));
                Series series = SeriesCodec.readSeries(in, record.family.type, store, partition, groups);
                if (series != null && store.restore(partition, record.family.name, record.family.type,
                        record.family.help, series)) {
                    restored++;
                } else {
                    refused++;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException("unreadable series in checkpoint: " + e, e);
        }
        return new Loaded(segments, restored, refused, bytes.length);
    }

    /** Writes one segment into memory. */
    private static final class Writer {
        private final Buffer buffer = new Buffer();
        private final DataOutputStream out = new DataOutputStream(buffer);
        private final Map<Family, Integer> ids = new IdentityHashMap<>();
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
            out.writeByte(family.type().ordinal());
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
    private record FamilyDef(String name, MetricType type, String help) {
    }

    /** The bytes of a series' last record, by where they lie in the checkpoint. */
    private record Record(FamilyDef family, int offset, int length) {
    }

    private record Key(String family, LabelSet labels) {
    }

    /** Replays segments: the last record of each series, in the order series first appeared. */
    private static final class Reader {
        private final byte[] bytes;
        private final Position position;
        private final DataInputStream in;
        final LinkedHashMap<Key, Record> records = new LinkedHashMap<>();

        Reader(byte[] bytes) {
            this.bytes = bytes;
            this.position = new Position(bytes);
            this.in = new DataInputStream(position);
        }

        boolean hasMore() {
            return position.offset() < bytes.length;
        }

        void segment() throws IOException {
            int start = position.offset();
            if (in.readInt() != MAGIC) {
                throw new CorruptCheckpointException("not a checkpoint segment at byte " + start, null);
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new CorruptCheckpointException("checkpoint format " + format + " is not supported (expected "
                        + FORMAT + ")", null);
            }
            if (in.readBoolean()) {
                records.clear(); // a full segment: what came before is moot
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
                        int ordinal = in.readByte();
                        if (ordinal < 0 || ordinal >= MetricType.values().length) {
                            throw new CorruptCheckpointException("unknown metric type " + ordinal, null);
                        }
                        String help = SeriesCodec.readString(in);
                        families.put(id, new FamilyDef(name, MetricType.values()[ordinal], help.isEmpty() ? null : help));
                    }
                    case SERIES -> {
                        FamilyDef family = family(families, in.readInt());
                        int length = in.readInt();
                        int offset = position.offset();
                        if (length < 0 || length > bytes.length - offset) {
                            throw new CorruptCheckpointException("corrupt series length " + length, null);
                        }
                        Key key = new Key(family.name, SeriesCodec.readLabels(in));
                        in.skipNBytes(length - (position.offset() - offset));
                        records.remove(key); // moves to its latest place
                        records.put(key, new Record(family, offset, length));
                    }
                    case REMOVED -> {
                        FamilyDef family = family(families, in.readInt());
                        records.remove(new Key(family.name, SeriesCodec.readLabels(in)));
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
