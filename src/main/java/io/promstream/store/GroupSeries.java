package io.promstream.store;

import io.promstream.parse.Aggregate;
import io.promstream.parse.MetricType;
import io.promstream.parse.NativeHistogram;
import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.Function;

/**
 * A series of a Pushgateway-style group: the values of its last push, as pushed (a counter's value, a gauge's, a
 * whole histogram, a whole summary with its quantiles). Pushes to its group replace it; samples that would
 * aggregate into it are refused.
 */
final class GroupSeries extends Series {
    private final Group group;
    private final SeriesSnapshot state;

    private GroupSeries(LabelSet labels, long nowMillis, Group group, SeriesSnapshot state) {
        super(labels, nowMillis);
        this.group = group;
        this.state = state;
    }

    /** The series a pushed sample of this type makes. */
    static GroupSeries of(MetricType type, LabelSet labels, Sample sample, Group group, long nowMillis) {
        Aggregate whole = sample.aggregate();
        SeriesSnapshot state = switch (type) {
            case COUNTER, GAUGE, UNTYPED -> SeriesSnapshot.ofValue(labels, sample.value());
            case HISTOGRAM -> {
                if (sample.nativeHistogram() != null) {
                    yield SeriesSnapshot.ofNative(
                            labels, sample.nativeHistogram().copy());
                }
                double[] bounds = sample.buckets().toArray();
                long[] counts = new long[bounds.length + 1];
                System.arraycopy(whole.cumulative(), 0, counts, 0, bounds.length);
                counts[bounds.length] = whole.count();
                yield new SeriesSnapshot(labels, 0, bounds, counts, null, null, whole.sum(), whole.count());
            }
            case SUMMARY ->
                new SeriesSnapshot(
                        labels,
                        0,
                        null,
                        null,
                        sample.quantiles().toArray(),
                        whole.quantileValues() == null
                                ? new double[0]
                                : whole.quantileValues().clone(),
                        whole.sum(),
                        whole.count());
        };
        return new GroupSeries(labels, nowMillis, group, state);
    }

    /** A gauge of the group's own, such as {@code push_time_seconds}. */
    static GroupSeries gauge(LabelSet labels, double value, Group group, long nowMillis) {
        return new GroupSeries(labels, nowMillis, group, SeriesSnapshot.ofValue(labels, value));
    }

    @Override
    Group group() {
        return group;
    }

    double value() {
        return state.value();
    }

    @Override
    Applied update(Sample sample, long version) {
        return Applied.HELD;
    }

    @Override
    Applied probe(Sample sample) {
        return Applied.HELD;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return state;
    }

    @Override
    void writeState(DataOutputStream out) throws IOException {
        SeriesCodec.writeLabels(out, group.key());
        out.writeDouble(state.value());
        SeriesCodec.writeDoubles(out, state.bounds() == null ? new double[0] : state.bounds());
        long[] counts = state.counts() == null ? new long[0] : state.counts();
        out.writeInt(counts.length);
        for (long c : counts) {
            out.writeLong(c);
        }
        SeriesCodec.writeDoubles(out, state.quantiles() == null ? new double[0] : state.quantiles());
        SeriesCodec.writeDoubles(out, state.quantileValues() == null ? new double[0] : state.quantileValues());
        out.writeDouble(state.sum());
        out.writeLong(state.count());
        if (state.nativeHistogram() != null) { // last, so that a record written before native histograms reads alike
            out.writeBoolean(true);
            state.nativeHistogram().write(out);
        }
    }

    /** Reads what {@link #writeState} wrote; the group is found (or made) by its key. */
    static GroupSeries read(
            DataInputStream in, MetricType type, LabelSet labels, long lastUpdated, Function<LabelSet, Group> groups)
            throws IOException {
        Group group = groups.apply(SeriesCodec.readLabels(in));
        double value = in.readDouble();
        double[] bounds = SeriesCodec.readDoubles(in);
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("corrupt bucket count " + n);
        }
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            counts[i] = in.readLong();
        }
        double[] quantiles = SeriesCodec.readDoubles(in);
        double[] values = SeriesCodec.readDoubles(in);
        double sum = in.readDouble();
        long count = in.readLong();
        if (type == MetricType.HISTOGRAM && in.available() > 0 && in.readBoolean()) {
            return new GroupSeries(
                    labels, lastUpdated, group, SeriesSnapshot.ofNative(labels, NativeHistogram.read(in)));
        }
        SeriesSnapshot state = switch (type) {
            case COUNTER, GAUGE, UNTYPED -> SeriesSnapshot.ofValue(labels, value);
            case HISTOGRAM -> new SeriesSnapshot(labels, 0, bounds, counts, null, null, sum, count);
            case SUMMARY -> new SeriesSnapshot(labels, 0, null, null, quantiles, values, sum, count);
        };
        return new GroupSeries(labels, lastUpdated, group, state);
    }
}
