package io.promstream.store;

import io.promstream.parse.GaugeOp;
import io.promstream.parse.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A gauge whose operations take effect in push order, whichever worker applies them first. Every sample
 * carries the version of its place in the queue. A {@code set} older than the one held is ignored (as is one
 * whose sender {@code timestamp} is older); an {@code inc}/{@code dec} older than the held set is superseded
 * by it. Deltas newer than the held set are remembered, so a set that arrives late re-applies them; they are
 * forgotten once the applied watermark passes them, as no older set can arrive any more.
 */
final class GaugeSeries extends Series {
    private final LongSupplier watermark;
    private double value;
    private long setVersion = Long.MIN_VALUE;
    private long timestamp = Sample.NO_TIMESTAMP;
    private long[] deltaVersions;
    private double[] deltas;
    private int deltaCount;

    GaugeSeries(LabelSet labels, long nowMillis, LongSupplier watermark) {
        super(labels, nowMillis);
        this.watermark = watermark;
    }

    @Override
    Applied update(Sample sample, long version) {
        GaugeOp op = sample.op();
        if (op == GaugeOp.SET) {
            set(sample, version);
        } else if (version >= setVersion) {
            double delta = op == GaugeOp.INC ? sample.value() : -sample.value();
            if (UntypedSeries.overflows(value, delta)) {
                return Applied.OVERFLOW;
            }
            value += delta;
            remember(version, delta);
        }
        return Applied.OK;
    }

    @Override
    Applied probe(Sample sample) {
        if (sample.op() == GaugeOp.SET) {
            return Applied.OK;
        }
        double delta = sample.op() == GaugeOp.INC ? sample.value() : -sample.value();
        return UntypedSeries.overflows(value, delta) ? Applied.OVERFLOW : Applied.OK;
    }

    private void set(Sample sample, long version) {
        if (!isNewer(sample, version)) {
            return;
        }
        double v = sample.value();
        int kept = 0;
        for (int i = 0; i < deltaCount; i++) {
            if (deltaVersions[i] > version) { // pushed after this set, applied before it arrived
                v += deltas[i];
                deltaVersions[kept] = deltaVersions[i];
                deltas[kept] = deltas[i];
                kept++;
            }
        }
        deltaCount = kept;
        value = v;
        setVersion = version;
        timestamp = sample.timestamp();
    }

    private boolean isNewer(Sample sample, long version) {
        if (sample.hasTimestamp() && timestamp != Sample.NO_TIMESTAMP && sample.timestamp() != timestamp) {
            return sample.timestamp() > timestamp;
        }
        return version >= setVersion;
    }

    private void remember(long version, double delta) {
        if (deltaVersions == null) {
            deltaVersions = new long[4];
            deltas = new double[4];
        }
        if (deltaCount == deltaVersions.length) {
            forgetApplied();
            if (deltaCount > deltaVersions.length / 2) {
                deltaVersions = Arrays.copyOf(deltaVersions, deltaVersions.length * 2);
                deltas = Arrays.copyOf(deltas, deltas.length * 2);
            }
        }
        deltaVersions[deltaCount] = version;
        deltas[deltaCount] = delta;
        deltaCount++;
    }

    private void forgetApplied() {
        long applied = watermark.getAsLong();
        int kept = 0;
        for (int i = 0; i < deltaCount; i++) {
            if (deltaVersions[i] >= applied) {
                deltaVersions[kept] = deltaVersions[i];
                deltas[kept] = deltas[i];
                kept++;
            }
        }
        deltaCount = kept;
    }

    /**
     * Value and sender timestamp. Versions are not kept: after a restart every restored value is older than
     * anything taken since, which a fresh version sequence expresses by starting again below them.
     */
    @Override
    void writeState(DataOutputStream out) throws IOException {
        out.writeDouble(value);
        out.writeLong(timestamp);
    }

    static GaugeSeries read(DataInputStream in, LabelSet labels, long lastUpdated, LongSupplier watermark)
            throws IOException {
        GaugeSeries series = new GaugeSeries(labels, lastUpdated, watermark);
        series.value = in.readDouble();
        series.timestamp = in.readLong();
        return series;
    }

    /** Deltas still remembered (for tests). */
    int rememberedDeltas() {
        return deltaCount;
    }

    @Override
    SeriesSnapshot snapshotLocked() {
        return SeriesSnapshot.ofValue(labels(), value);
    }
}
