package io.promstream.store;

import io.promstream.parse.MetricType;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads checkpoint segments ({@link CheckpointCodec}), checking each one's checksum, and hands their records to a
 * {@link Visitor} in order; damaged bytes are a {@link CorruptCheckpointException}.
 */
final class CheckpointReader {
    /** What reading a checkpoint meets, in order. */
    interface Visitor {
        Visitor NONE = new Visitor() {};

        /** A full segment begins: what came before it is moot. */
        default void full() {}

        /**
         * The latest state of a series, its labels first, at {@code offset} for {@code length} bytes; {@code id}
         * is the number later records give it, or {@link CheckpointIds#NONE}.
         */
        default void series(FamilyDef family, int id, int offset, int length) throws IOException {}

        /** The latest state of the series numbered {@code id}, without its labels, at {@code offset}. */
        default void numbered(FamilyDef family, int id, int offset, int length) throws IOException {}

        /** A series removed. */
        default void removed(FamilyDef family, LabelSet labels) {}

        /** A key of a point applied once, kept until {@code expiresAtMillis}. */
        default void seen(long key, long expiresAtMillis) {}
    }

    /** A family as a segment defines it. */
    record FamilyDef(String name, MetricType type, String help) {}

    private final byte[] bytes;
    private final Position position;
    private final DataInputStream in;
    /** The families of the series numbered since the last full segment, by number. */
    private FamilyDef[] numbered = new FamilyDef[16];

    private int maxNumber;

    CheckpointReader(byte[] bytes) {
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

    private void segment(Visitor visitor) throws IOException {
        int start = position.offset();
        if (in.readInt() != CheckpointCodec.MAGIC) {
            throw new CorruptCheckpointException("not a checkpoint segment at byte " + start, null);
        }
        int format = in.readInt();
        if (format != CheckpointCodec.FORMAT) {
            throw new CorruptCheckpointException(
                    "checkpoint format " + format + " is not supported (expected " + CheckpointCodec.FORMAT + ")",
                    null);
        }
        if (in.readBoolean()) {
            visitor.full();
            Arrays.fill(numbered, null);
            maxNumber = 0;
        }
        Map<Integer, FamilyDef> families = new HashMap<>();
        while (true) {
            int kind = in.readByte();
            if (kind == CheckpointCodec.END) {
                break;
            }
            switch (kind) {
                case CheckpointCodec.FAMILY -> {
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
                case CheckpointCodec.SERIES -> {
                    FamilyDef family = family(families, in.readInt());
                    int length = length();
                    visitor.series(family, CheckpointIds.NONE, position.offset() - length, length);
                }
                case CheckpointCodec.SERIES_ID -> {
                    FamilyDef family = family(families, in.readInt());
                    int id = number(in.readInt(), family);
                    int length = length();
                    visitor.series(family, id, position.offset() - length, length);
                }
                case CheckpointCodec.SERIES_REF -> {
                    int id = in.readInt();
                    FamilyDef family = id > 0 && id <= maxNumber ? numbered[id] : null;
                    if (family == null) {
                        throw new CorruptCheckpointException("record names undefined series " + id, null);
                    }
                    int length = length();
                    visitor.numbered(family, id, position.offset() - length, length);
                }
                case CheckpointCodec.REMOVED -> {
                    FamilyDef family = family(families, in.readInt());
                    visitor.removed(family, SeriesCodec.readLabels(in));
                }
                case CheckpointCodec.SEEN -> {
                    int n = in.readInt();
                    if (n < 0 || n > (bytes.length - position.offset()) / (2 * Long.BYTES)) {
                        throw new CorruptCheckpointException("corrupt seen-key count " + n, null);
                    }
                    for (int i = 0; i < n; i++) {
                        visitor.seen(in.readLong(), in.readLong());
                    }
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

    /** Reads a record's length and skips the record, which must fit in what is left. */
    private int length() throws IOException {
        int length = in.readInt();
        if (length < 0 || length > bytes.length - position.offset()) {
            throw new CorruptCheckpointException("corrupt series length " + length, null);
        }
        in.skipNBytes(length);
        return length;
    }

    /** Numbers a series: one more than the largest number so far at most (numbers are given one by one). */
    private int number(int id, FamilyDef family) throws CorruptCheckpointException {
        if (id < 1 || id > maxNumber + 1) {
            throw new CorruptCheckpointException("series number " + id + " out of order", null);
        }
        if (id >= numbered.length) {
            numbered = Arrays.copyOf(numbered, numbered.length * 2);
        }
        numbered[id] = family;
        maxNumber = Math.max(maxNumber, id);
        return id;
    }

    private static FamilyDef family(Map<Integer, FamilyDef> families, int id) throws CorruptCheckpointException {
        FamilyDef family = families.get(id);
        if (family == null) {
            throw new CorruptCheckpointException("record names undefined family " + id, null);
        }
        return family;
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
}
