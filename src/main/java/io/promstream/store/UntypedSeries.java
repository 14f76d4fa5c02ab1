package io.promstream.store;

import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * An aggregated untyped series (a pushed exposition's family without {@code # TYPE}): the sum of the values pushed
 * to it, as zapier's prom-aggregation-gateway adds them; unlike a counter's, they may be negative.
 */
final class UntypedSeries extends Series {
    private double value;

    UntypedSeries(LabelSet labels, long nowMillis) {
        super(labels, nowMillis);
    }

    @Override
    Applied update(Sample sample, long version) {
        double next = value + sample.value();
        if (Double.isInfinite(next)) {
            return Applied.OVERFLOW;
        }
        value = next;
        return Applied.OK;
    }

    @Override
    Applied probe(Sample sample) {
        return Double.isInfinite(value + sample.value()) ? Applied.OVERFLOW : Applied.OK;
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
