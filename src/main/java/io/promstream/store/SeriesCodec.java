package io.promstream.store;

import io.promstream.parse.MetricType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a series is written into a checkpoint and read back: its labels, whether it is aggregated or a
 * Pushgateway-style group's, the time of its last update and its type's state. Strings are length-prefixed
 * UTF-8; every length read is bounded, so damaged bytes fail with {@link CorruptCheckpointException}, never with an
 * allocation of the size they claim.
 */
final class SeriesCodec {
    private static final int MAX_STRING = 16 * 1024 * 1024;

    private SeriesCodec() {}

    static final int AGGREGATED = 0;
    static final int GROUP = 1;
    /** An aggregated native histogram (a kind of its own, so that checkpoints written before it read the same). */
    static final int NATIVE = 2;
    /** A bit of the kind: the TTL a push gave the series (seconds, an int) follows the kind. */
    static final int OWN_TTL = 0x10;

    /** Writes the labels and what {@link #writeKind} writes. */
    static void writeHead(DataOutputStream out, Series series) throws IOException {
        writeLabels(out, series.labels());
        writeKind(out, series);
    }

    /** Writes what {@link #readUnlabelled} reads first: {@link #writeHead} without the labels. */
    static void writeKind(DataOutputStream out, Series series) throws IOException {
        int kind = series.group() != null ? GROUP : series instanceof NativeHistogramSeries ? NATIVE : AGGREGATED;
        int ttl = series.ownTtlSeconds();
        out.writeByte(kind | (ttl == Series.FAMILY_TTL ? 0 : OWN_TTL));
        if (ttl != Series.FAMILY_TTL) {
            out.writeInt(ttl);
        }
    }

    /**
     * Reads a series of this type, whose labels are known, into {@code partition}, from what {@link #writeKind}
     * and {@link Series#takeChange} wrote; a group's series whose grouping key another partition holds comes back
     * {@code null}.
     */
    static Series readUnlabelled(
            DataInputStream in,
            MetricType type,
            MetricStore store,
            Partition partition,
            Map<LabelSet, Group> groups,
            LabelSet labels)
            throws IOException {
        int kind = in.readByte();
        int ttl = (kind & OWN_TTL) == 0 ? Series.FAMILY_TTL : in.readInt();
        if (ttl < Series.FAMILY_TTL) {
            throw new CorruptCheckpointException("a negative TTL", null);
        }
        Series series = readSeries(in, type, store, partition, groups, labels, kind & ~OWN_TTL);
        if (series != null && ttl != Series.FAMILY_TTL) {
            series.ownTtl(ttl * 1000L);
        }
        return series;
    }

    private static Series readSeries(
            DataInputStream in,
            MetricType type,
            MetricStore store,
            Partition partition,
            Map<LabelSet, Group> groups,
            LabelSet labels,
            int kind)
            throws IOException {
        long lastUpdated = in.readLong();
        if (kind == GROUP) {
            GroupSeries series = GroupSeries.read(
                    in,
                    type,
                    labels,
                    lastUpdated,
                    key -> groups.computeIfAbsent(key, k -> store.restoring().restoredGroup(k, partition)));
            return series.group() == null ? null : series;
        }
        if (kind == NATIVE && type == MetricType.HISTOGRAM) {
            return NativeHistogramSeries.read(
                    in, labels, lastUpdated, store.settings().nativeMaxBuckets());
        }
        if (kind != AGGREGATED) {
            throw new CorruptCheckpointException("unknown series kind " + kind, null);
        }
        return switch (type) {
            case COUNTER -> CounterSeries.read(in, labels, lastUpdated);
            case GAUGE -> GaugeSeries.read(in, labels, lastUpdated, store.appliedWatermark());
            case UNTYPED -> UntypedSeries.read(in, labels, lastUpdated);
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
        return readLabels(in, null);
    }

    /**
     * Reads labels; with {@code names} the label names and their arrays are shared with the series read before
     * (a checkpoint repeats the same few name sets for every series).
     */
    static LabelSet readLabels(DataInputStream in, Names names) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 1024) {
            throw new CorruptCheckpointException("corrupt label count " + count, null);
        }
        String[] labelNames = new String[count];
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            labelNames[i] = names == null ? readString(in) : names.name(readString(in));
            values[i] = readString(in);
        }
        if (count == 0) {
            return LabelSet.EMPTY;
        }
        return new LabelSet(names == null ? labelNames : names.array(labelNames), values);
    }

    /** Label names and name arrays read so far, to share (bounded; beyond the bound, copies as read). */
    static final class Names {
        private static final int LIMIT = 4096;
        private final Map<String, String> strings = new HashMap<>();
        private final Map<List<String>, String[]> arrays = new HashMap<>();

        String name(String name) {
            String known = strings.get(name);
            if (known != null) {
                return known;
            }
            if (strings.size() < LIMIT) {
                strings.put(name, name);
            }
            return name;
        }

        String[] array(String[] labelNames) {
            List<String> key = Arrays.asList(labelNames);
            String[] known = arrays.get(key);
            if (known != null) {
                return known;
            }
            if (arrays.size() < LIMIT) {
                arrays.put(key, labelNames);
            }
            return labelNames;
        }
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING) {
            throw new CorruptCheckpointException("corrupt string length " + length, null);
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
            throw new CorruptCheckpointException("corrupt array length " + length, null);
        }
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
