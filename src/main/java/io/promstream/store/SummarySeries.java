package io.promstream.store;

import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.InstantSource;

/** A summary: all-time {@code _sum}/{@code _count} and quantiles over a sliding window. */
final class SummarySeries extends Series {
    static final double[] DEFAULT_QUANTILES = {0.5, 0.9, 0.99};
    static final double[] DEFAULT_EPSILONS = {0.05, 0.01, 0.001};
    /** Epsilon for a sender-chosen quantile given without epsilons. */
    static final double FALLBACK_EPSILON = 0.01;

    private final QuantileWindow window;
    private double sum;
    private long count;

    SummarySeries(LabelSet labels, long nowMillis, QuantileWindow window) {
        super(labels, nowMillis);
        this.window = window;
    }

    @Override
    Applied update(Sample sample, long version) {
        if (Double.isInfinite(sum + sample.value())) { // an aggregate's value is its sum
            return Applied.OVERFLOW;
        }
        if (sample.aggregate() != null) {
            sum += sample.aggregate().sum();
            count += sample.aggregate().count();
            return Applied.OK;
        }
        if (window.quantiles().length > 0) {
            window.insert(sample.value());
        }
        sum += sample.value();
        count++;
        boolean mismatch = sample.quantiles().isPresent()
                && !window.hasQuantiles(
                        sample.quantiles().array(), sample.quantiles().size());
        return mismatch ? Applied.MISMATCH : Applied.OK;
    }

    @Override
    Applied probe(Sample sample) {
        return Double.isInfinite(sum + sample.value()) ? Applied.OVERFLOW : Applied.OK;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        double[] quantiles = window.quantiles();
        double[] values = new double[quantiles.length];
        for (int i = 0; i < quantiles.length; i++) {
            values[i] = window.get(i);
        }
        return new SeriesSnapshot(labels(), 0, null, null, quantiles, values, sum, count);
    }

    @Override
    void writeState(DataOutputStream out) throws IOException {
        out.writeDouble(sum);
        out.writeLong(count);
        window.writeTo(out);
    }

    static SummarySeries read(DataInputStream in, LabelSet labels, long lastUpdated, InstantSource clock)
            throws IOException {
        double sum = in.readDouble();
        long count = in.readLong();
        SummarySeries series = new SummarySeries(labels, lastUpdated, QuantileWindow.read(in, clock));
        series.sum = sum;
        series.count = count;
        return series;
    }

    /** Quantiles a first sample asks for, sorted; defaults when it names none. */
    static double[][] targetsOf(Sample sample) {
        if (sample.aggregate() != null) { // a pushed summary's quantiles cannot be aggregated: it shows none
            return new double[][] {new double[0], new double[0]};
        }
        if (!sample.quantiles().isPresent()) {
            return new double[][] {DEFAULT_QUANTILES, DEFAULT_EPSILONS};
        }
        double[] qs = sample.quantiles().toArray();
        int n = qs.length;
        double[] eps = new double[n];
        for (int i = 0; i < n; i++) {
            eps[i] = sample.epsilons().isPresent() ? sample.epsilons().get(i) : FALLBACK_EPSILON;
        }
        // sort both by quantile (insertion sort; a handful of entries)
        for (int i = 1; i < n; i++) {
            double q = qs[i];
            double e = eps[i];
            int j = i - 1;
            while (j >= 0 && qs[j] > q) {
                qs[j + 1] = qs[j];
                eps[j + 1] = eps[j];
                j--;
            }
            qs[j + 1] = q;
            eps[j + 1] = e;
        }
        return new double[][] {qs, eps};
    }
}
