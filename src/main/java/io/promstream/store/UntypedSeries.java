package io.promstream.store;

import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * An aggregated untyped series (a pushed exposition's family without {@code # TYPE}): the sum of the values pushed
 * to it, as zapier's prom-aggregation-gateway adds them; unlike a counter's, they may be negative or infinite.
 */
final class UntypedSeries extends Series {
    private double value;

    UntypedSeries(LabelSet labels, long nowMillis) {
        super(labels, nowMillis);
    }

    @Override
    Applied update(Sample sample, long version) {
        if (overflows(value, sample.value())) {
            return Applied.OVERFLOW;
        }
        value += sample.value();
        return Applied.OK;
    }

    @Override
    Applied probe(Sample sample) {
        return overflows(value, sample.value()) ? Applied.OVERFLOW : Applied.OK;
    }

    /**
     * Whether adding {@code delta} to {@code value} leaves the numbers: two finite ones whose sum is infinite, or
     * opposite infinities (NaN). A pushed ±Inf is taken (docs/semantics.md), and an infinite value stays so.
     */
    static boolean overflows(double value, double delta) {
        double next = value + delta;
        return Double.isNaN(next) || Double.isInfinite(next) && Double.isFinite(value) && Double.isFinite(delta);
    }

    @Override
    void writeState(DataOutputStream out) throws IOException {
        out.writeDouble(value);
    }

    static UntypedSeries read(DataInputStream in, LabelSet labels, long lastUpdated) throws IOException {
        UntypedSeries series = new UntypedSeries(labels, lastUpdated);
        series.value = in.readDouble();
        return series;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return SeriesSnapshot.ofValue(labels(), value);
    }
}
