package io.promstream.store;

import io.promstream.parse.Sample;

/** A counter: the running sum of its samples' values. */
final class CounterSeries extends Series {
    private double value;

    CounterSeries(LabelSet labels, long nowMillis) {
        super(labels, nowMillis);
    }

    @Override
    Applied update(Sample sample) {
        value += sample.value();
        return Applied.OK;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return SeriesSnapshot.ofValue(labels(), value);
    }
}
