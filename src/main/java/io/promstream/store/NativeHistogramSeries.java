package io.promstream.store;

import io.promstream.parse.NativeHistogram;
import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A native histogram aggregated from every sender (docs/native-histograms.md): observations go into its buckets,
 * whole histograms are added; its schema is the coarsest any sample asked for, lowered again whenever more than
 * {@code maxBuckets} buckets are populated. Samples of a classic layout are refused.
 */
final class NativeHistogramSeries extends Series {
    private final NativeHistogram histogram;
    private final int maxBuckets;

    NativeHistogramSeries(LabelSet labels, long nowMillis, NativeHistogram empty, int maxBuckets) {
        super(labels, nowMillis);
        this.histogram = empty;
        this.maxBuckets = maxBuckets;
    }

    /** An empty histogram of the schema and zero threshold the first sample (or the family's default) asks for. */
    static NativeHistogram layoutOf(Sample sample, int schema) {
        NativeHistogram whole = sample.nativeHistogram();
        return whole != null
                ? new NativeHistogram(whole.schema(), whole.zeroThreshold())
                : new NativeHistogram(schema, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
    }

    @Override
    Applied update(Sample sample, long version) {
        Applied probe = probe(sample);
        if (probe != Applied.OK) {
            return probe;
        }
        NativeHistogram whole = sample.nativeHistogram();
        if (whole != null) {
            histogram.add(whole);
        } else {
            if (sample.hasNativeSchema() && sample.nativeSchema() < histogram.schema()) {
                histogram.reduce(histogram.schema() - sample.nativeSchema());
            }
            histogram.observe(sample.value());
        }
        histogram.limit(maxBuckets);
        return Applied.OK;
    }

    @Override
    Applied probe(Sample sample) {
        if (sample.buckets().size() >= 0 || sample.aggregate() != null) {
            return Applied.REFUSED; // a classic layout for a native series
        }
        double added = sample.value(); // a whole histogram's value is its sum
        return Double.isInfinite(histogram.sum() + added) ? Applied.OVERFLOW : Applied.OK;
    }

    @Override
    void writeState(DataOutputStream out) throws IOException {
        histogram.write(out);
    }

    static NativeHistogramSeries read(DataInputStream in, LabelSet labels, long lastUpdated, int maxBuckets)
            throws IOException {
        return new NativeHistogramSeries(labels, lastUpdated, NativeHistogram.read(in), maxBuckets);
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return SeriesSnapshot.ofNative(labels(), histogram.copy());
    }
}
