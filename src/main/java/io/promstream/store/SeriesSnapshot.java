package io.promstream.store;

import io.promstream.parse.NativeHistogram;

/**
 * A consistent copy of one series taken under its monitor. Counters and gauges fill {@code value};
 * histograms fill {@code bounds} and cumulative {@code counts} (last entry is +Inf); summaries fill
 * {@code quantiles} and {@code quantileValues}; both fill {@code sum} and {@code count}. A native histogram also
 * carries its own copy in {@code nativeHistogram}, and its buckets as a classic histogram's in {@code bounds} and
 * {@code counts} (the text formats' rendering of it).
 */
public record SeriesSnapshot(
        LabelSet labels,
        double value,
        double[] bounds,
        long[] counts,
        double[] quantiles,
        double[] quantileValues,
        double sum,
        long count,
        NativeHistogram nativeHistogram) {

    public SeriesSnapshot(
            LabelSet labels,
            double value,
            double[] bounds,
            long[] counts,
            double[] quantiles,
            double[] quantileValues,
            double sum,
            long count) {
        this(labels, value, bounds, counts, quantiles, quantileValues, sum, count, null);
    }

    static SeriesSnapshot ofValue(LabelSet labels, double value) {
        return new SeriesSnapshot(labels, value, null, null, null, null, 0, 0);
    }

    /** A native histogram's snapshot, from a copy of it. */
    static SeriesSnapshot ofNative(LabelSet labels, NativeHistogram copy) {
        return new SeriesSnapshot(
                labels, 0, copy.classicBounds(), copy.classicCounts(), null, null, copy.sum(), copy.count(), copy);
    }
}
