package io.promstream.store;

/**
 * A consistent copy of one series taken under its monitor. Counters and gauges fill {@code value};
 * histograms fill {@code bounds} and cumulative {@code counts} (last entry is +Inf); summaries fill
 * {@code quantiles} and {@code quantileValues}; both fill {@code sum} and {@code count}.
 */
public record SeriesSnapshot(
        LabelSet labels,
        double value,
        double[] bounds,
        long[] counts,
        double[] quantiles,
        double[] quantileValues,
        double sum,
        long count) {

    static SeriesSnapshot ofValue(LabelSet labels, double value) {
        return new SeriesSnapshot(labels, value, null, null, null, null, 0, 0);
    }
}
