package io.promstream.store;

import io.promstream.parse.MetricType;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
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

        /** The latest state of a series, at {@code offset} for {@code length} bytes. */
        default void series(FamilyDef family, int offset, int length) throws IOException {}

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
                    int length = in.readInt();
                    int offset = position.offset();
                    if (length < 0 || length > bytes.length - offset) {
                        throw new CorruptCheckpointException("corrupt series length " + length, null);
                    }
                    in.skipNBytes(length);
                    visitor.series(family, offset, length);
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
