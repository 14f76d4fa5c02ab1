package io.promstream.store;

import io.promstream.parse.GaugeOp;
import io.promstream.parse.Sample;

/**
 * A gauge. {@code set} is last-write-wins by push order: every sample carries the version of its place in
 * the queue, and a set older than the one already applied is ignored, however the workers interleave. A set
 * carrying a sender {@code timestamp} older than the held one is ignored too. {@code inc}/{@code dec} add.
 */
final class GaugeSeries extends Series {
    private double value;
    private long version = Long.MIN_VALUE;
    private long timestamp = Sample.NO_TIMESTAMP;

    GaugeSeries(LabelSet labels, long nowMillis) {
        super(labels, nowMillis);
    }

    @Override
    boolean update(Sample sample) {
        GaugeOp op = sample.op();
        if (op == GaugeOp.INC) {
            value += sample.value();
        } else if (op == GaugeOp.DEC) {
            value -= sample.value();
        } else if (isNewer(sample)) {
            value = sample.value();
            version = sample.version();
            timestamp = sample.timestamp();
        }
        return false;
    }

    private boolean isNewer(Sample sample) {
        if (sample.hasTimestamp() && timestamp != Sample.NO_TIMESTAMP && sample.timestamp() != timestamp) {
            return sample.timestamp() > timestamp;
        }
        return sample.version() >= version;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return SeriesSnapshot.ofValue(labels(), value);
    }
}
