package io.promstream.store;

import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** A counter: the running sum of its samples' values. */
final class CounterSeries extends Series {
    private double value;

    CounterSeries(LabelSet labels, long nowMillis) {
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

    static CounterSeries read(DataInputStream in, LabelSet labels, long lastUpdated) throws IOException {
        CounterSeries series = new CounterSeries(labels, lastUpdated);
        series.value = in.readDouble();
        return series;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return SeriesSnapshot.ofValue(labels(), value);
    }
}
