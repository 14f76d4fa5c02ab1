package io.promstream.store;

import io.promstream.parse.Aggregate;
import io.promstream.parse.Doubles;
import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/** A histogram with a bucket layout fixed by its first sample. */
final class HistogramSeries extends Series {
    /** Prometheus client libraries' default buckets. */
    static final double[] DEFAULT_BOUNDS = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};

    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    HistogramSeries(LabelSet labels, long nowMillis, double[] bounds) {
        super(labels, nowMillis);
        this.bounds = bounds;
        this.counts = new long[bounds.length + 1];
    }

    /** The layout a first sample asks for: its own buckets, or the defaults. */
    static double[] layoutOf(Sample sample) {
        return sample.buckets().isPresent() ? sample.buckets().toArray() : DEFAULT_BOUNDS;
    }

    @Override
    Applied update(Sample sample, long version) {
        if (sample.isNative()) {
            return Applied.REFUSED; // native buckets for a classic series
        }
        if (sample.aggregate() != null) {
            return merge(sample.buckets(), sample.aggregate());
        }
        double v = sample.value();
        if (Double.isInfinite(sum + v)) {
            return Applied.OVERFLOW;
        }
        int lo = 0;
        int hi = bounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (bounds[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        counts[lo]++;
        count++;
        sum += v;
        return sample.buckets().isPresent() && !sample.buckets().sameAs(bounds) ? Applied.MISMATCH : Applied.OK;
    }

    /** Adds a whole pushed histogram bucket by bucket; only into the same layout. */
    private Applied merge(Doubles layout, Aggregate pushed) {
        if (!layout.sameAs(bounds)) {
            return Applied.REFUSED;
        }
        if (Double.isInfinite(sum + pushed.sum())) {
            return Applied.OVERFLOW;
        }
        long[] cumulative = pushed.cumulative();
        long previous = 0;
        for (int i = 0; i < bounds.length; i++) {
            counts[i] += cumulative[i] - previous;
            previous = cumulative[i];
        }
        counts[bounds.length] += pushed.count() - previous;
        count += pushed.count();
        sum += pushed.sum();
        return Applied.OK;
    }

    @Override
    Applied probe(Sample sample) {
        if (sample.isNative() || sample.aggregate() != null && !sample.buckets().sameAs(bounds)) {
            return Applied.REFUSED;
        }
        double added = sample.value(); // an aggregate's value is its sum
        return Double.isInfinite(sum + added) ? Applied.OVERFLOW : Applied.OK;
    }

    @Override
    void writeState(DataOutputStream out) throws IOException {
        SeriesCodec.writeDoubles(out, bounds);
        for (long c : counts) {
            out.writeLong(c);
        }
        out.writeDouble(sum);
        out.writeLong(count);
    }

    static HistogramSeries read(DataInputStream in, LabelSet labels, long lastUpdated) throws IOException {
        double[] bounds = SeriesCodec.readDoubles(in);
        HistogramSeries series = new HistogramSeries(
                labels, lastUpdated, Arrays.equals(bounds, DEFAULT_BOUNDS) ? DEFAULT_BOUNDS : bounds);
        for (int i = 0; i < series.counts.length; i++) {
            series.counts[i] = in.readLong();
        }
        series.sum = in.readDouble();
        series.count = in.readLong();
        return series;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i];
            cumulative[i] = running;
        }
        return new SeriesSnapshot(labels(), 0, bounds, cumulative, null, null, sum, count);
    }
}
