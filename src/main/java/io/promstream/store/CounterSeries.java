package io.promstream.store;

import io.promstream.parse.Sample;

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
    void writeState(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeDouble(value);
    }

    static CounterSeries read(java.io.DataInputStream in, LabelSet labels, long lastUpdated) throws java.io.IOException {
        CounterSeries series = new CounterSeries(labels, lastUpdated);
        series.value = in.readDouble();
        return series;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return SeriesSnapshot.ofValue(labels(), value);
    }
}
