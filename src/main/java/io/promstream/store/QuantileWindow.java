package io.promstream.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * Quantiles over a sliding time window, as the Prometheus client libraries do it: a ring of
 * {@code ageBuckets} sketches, each fed every value; the oldest one answers queries and is cleared every
 * {@code maxAge / ageBuckets}, so an answer covers between {@code maxAge - maxAge/ageBuckets} and
 * {@code maxAge} of history. Values are buffered and merged in sorted runs. Not thread-safe (its series'
 * monitor guards it).
 */
final class QuantileWindow {
    private static final int BUFFER = 128;

    private final double[] quantiles;
    private final CkmsQuantiles[] ring;
    private final InstantSource clock;
    private final long rotateEveryMillis;
    private final double[] buffer = new double[BUFFER];
    private int buffered;
    private int current;
    private long nextRotateMillis;

    QuantileWindow(double[] quantiles, double[] epsilons, long maxAgeMillis, int ageBuckets, InstantSource clock) {
        this.quantiles = quantiles;
        this.clock = clock;
        this.ring = new CkmsQuantiles[ageBuckets];
        for (int i = 0; i < ageBuckets; i++) {
            ring[i] = new CkmsQuantiles(quantiles, epsilons);
        }
        this.rotateEveryMillis = Math.max(1, maxAgeMillis / ageBuckets);
        this.nextRotateMillis = clock.millis() + rotateEveryMillis;
    }

    void insert(double value) {
        rotate();
        buffer[buffered++] = value;
        if (buffered == BUFFER) {
            flush();
        }
    }

    /** The estimate of the {@code index}-th quantile (in {@link #quantiles()} order); NaN for an empty window. */
    double get(int index) {
        rotate();
        flush();
        return ring[current].get(quantiles[index]);
    }

    double[] quantiles() {
        return quantiles;
    }

    boolean hasQuantiles(double[] candidates, int count) {
        if (count != quantiles.length) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (Arrays.binarySearch(quantiles, candidates[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Targets, timing and every age bucket (buffered values are merged first). */
    void writeTo(DataOutputStream out) throws IOException {
        flush();
        SeriesCodec.writeDoubles(out, quantiles);
        SeriesCodec.writeDoubles(out, ring[0].epsilons());
        out.writeLong(rotateEveryMillis);
        out.writeInt(ring.length);
        out.writeInt(current);
        out.writeLong(nextRotateMillis);
        for (CkmsQuantiles sketch : ring) {
            sketch.writeTo(out);
        }
    }

    static QuantileWindow read(DataInputStream in, InstantSource clock) throws IOException {
        double[] quantiles = SeriesCodec.readDoubles(in);
        double[] epsilons = SeriesCodec.readDoubles(in);
        long rotateEvery = in.readLong();
        int buckets = in.readInt();
        if (buckets < 1 || buckets > 1000 || epsilons.length != quantiles.length) {
            throw new IOException("corrupt summary window");
        }
        QuantileWindow window = new QuantileWindow(quantiles, epsilons, rotateEvery * buckets, buckets, clock);
        window.current = in.readInt();
        window.nextRotateMillis = in.readLong();
        if (window.current < 0 || window.current >= buckets) {
            throw new IOException("corrupt summary window");
        }
        for (CkmsQuantiles sketch : window.ring) {
            sketch.readFrom(in);
        }
        return window;
    }

    private void flush() {
        if (buffered == 0) {
            return;
        }
        Arrays.sort(buffer, 0, buffered);
        for (CkmsQuantiles sketch : ring) {
            sketch.insertSorted(buffer, buffered);
        }
        buffered = 0;
    }

    private void rotate() {
        long now = clock.millis();
        if (now < nextRotateMillis) {
            return;
        }
        flush(); // buffered values arrived before this rotation: they belong to every age bucket
        int rotations = 0;
        while (now >= nextRotateMillis && rotations < ring.length) {
            ring[current].clear();
            current = (current + 1) % ring.length;
            nextRotateMillis += rotateEveryMillis;
            rotations++;
        }
        if (now >= nextRotateMillis) { // idle for longer than the whole window: every bucket is cleared
            nextRotateMillis = now + rotateEveryMillis;
        }
    }
}
