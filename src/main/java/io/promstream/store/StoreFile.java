package io.promstream.store;

import io.promstream.parse.MetricType;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The store on disk: a versioned binary format ({@code PSGW}, format version, families with their series,
 * a CRC-32 of everything before it), written to a temporary file, forced to disk and renamed over the old
 * one, so a crash mid-save leaves the previous snapshot intact.
 */
public final class StoreFile {
    static final int MAGIC = 0x50534757; // "PSGW"
    /** 2: each series says whether it is aggregated or a Pushgateway-style group's. Format 1 is still read. */
    static final int FORMAT = 2;
    private static final int MAX_STRING = 16 * 1024 * 1024;

    /** What a save or a load covered. */
    public record Stats(int families, int series, long bytes) {
    }

    /** The file exists but cannot be read back as a store snapshot. */
    public static final class CorruptException extends IOException {
        CorruptException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private StoreFile() {
    }

    /** Writes a consistent copy of every series (each taken under its own monitor) and swaps it in. */
    public static Stats save(MetricStore store, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        int families = 0;
        int series = 0;
        CRC32 crc = new CRC32();
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    new CheckedOutputStream(Channels.newOutputStream(channel), crc), 1 << 16));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            for (Family family : new ArrayList<>(store.families())) {
                out.writeByte(1);
                writeString(out, family.name());
                out.writeByte(family.type().ordinal());
                writeString(out, family.help() == null ? "" : family.help());
                for (Series s : family.series.values()) {
                    out.writeByte(1);
                    writeLabels(out, s.labels());
                    out.writeByte(s.group() == null ? AGGREGATED : GROUP);
                    s.writeTo(out);
                    series++;
                }
                out.writeByte(0);
                families++;
            }
            out.writeByte(0);
            out.flush();
            channel.write(ByteBuffer.allocate(8).putLong(0, crc.getValue()));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Stats(families, series, Files.size(file));
    }

    /** Reads a snapshot into an empty store; anything unreadable throws {@link CorruptException}. */
    public static Stats load(MetricStore store, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 17) {
            throw new CorruptException("too short to be a snapshot (" + bytes.length + " bytes)", null);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (crc.getValue() != stored) {
            throw new CorruptException("checksum mismatch: the file is damaged or was cut short", null);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
        try {
            if (in.readInt() != MAGIC) {
                throw new CorruptException("not a prom-stream-gateway snapshot", null);
            }
            int format = in.readInt();
            if (format != FORMAT && format != 1) {
                throw new CorruptException("snapshot format " + format + " is not supported (expected " + FORMAT + ")", null);
            }
            int families = 0;
            int series = 0;
            while (in.readByte() == 1) {
                String name = readString(in);
                int ordinal = in.readByte();
                if (ordinal < 0 || ordinal >= MetricType.values().length) {
                    throw new CorruptException("unknown metric type " + ordinal, null);
                }
                MetricType type = MetricType.values()[ordinal];
                String help = readString(in);
                List<Series> loaded = new ArrayList<>();
                while (in.readByte() == 1) {
                    loaded.add(readSeries(in, type, store, format));
                }
                store.restore(name, type, help.isEmpty() ? null : help, loaded);
                families++;
                series += loaded.size();
            }
            return new Stats(families, series, bytes.length);
        } catch (CorruptException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptException("unreadable snapshot: " + e, e);
        }
    }

    private static final int AGGREGATED = 0;
    private static final int GROUP = 1;

    private static Series readSeries(DataInputStream in, MetricType type, MetricStore store, int format)
            throws IOException {
        LabelSet labels = readLabels(in);
        int kind = format == 1 ? AGGREGATED : in.readByte();
        long lastUpdated = in.readLong();
        if (kind == GROUP) {
            return GroupSeries.read(in, type, labels, lastUpdated, store::restoredGroup);
        }
        if (kind != AGGREGATED) {
            throw new CorruptException("unknown series kind " + kind, null);
        }
        return switch (type) {
            case COUNTER -> CounterSeries.read(in, labels, lastUpdated);
            case GAUGE -> GaugeSeries.read(in, labels, lastUpdated, store.appliedWatermark());
            case HISTOGRAM -> HistogramSeries.read(in, labels, lastUpdated);
            case SUMMARY -> SummarySeries.read(in, labels, lastUpdated, store.clock());
        };
    }

    static void writeLabels(DataOutputStream out, LabelSet labels) throws IOException {
        out.writeInt(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            writeString(out, labels.name(i));
            writeString(out, labels.value(i));
        }
    }

    static LabelSet readLabels(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 1024) {
            throw new CorruptException("corrupt label count " + count, null);
        }
        String[] names = new String[count];
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = readString(in);
            values[i] = readString(in);
        }
        return count == 0 ? LabelSet.EMPTY : new LabelSet(names, values);
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING) {
            throw new CorruptException("corrupt string length " + length, null);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    static double[] readDoubles(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 100_000) {
            throw new CorruptException("corrupt array length " + length, null);
        }
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
