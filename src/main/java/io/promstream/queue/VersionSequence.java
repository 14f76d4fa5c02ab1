package io.promstream.queue;

import java.util.Arrays;

/**
 * Numbers batches in the order they are taken and tracks which are still being applied ({@link Versions} turns
 * a batch number and an index into a sample's version). The {@link #appliedWatermark() watermark} is a version
 * below which every sample has been applied, which lets gauges forget the ordering history they no longer
 * need. Called once per batch, not per sample.
 */
public final class VersionSequence {
    private long last;
    private long[] inFlight = new long[8];
    private int inFlightCount;

    /** Numbers a new batch and marks it in flight. */
    public synchronized long begin() {
        long batch = ++last;
        if (inFlightCount == inFlight.length) {
            inFlight = Arrays.copyOf(inFlight, inFlightCount * 2);
        }
        inFlight[inFlightCount++] = batch;
        return batch;
    }

    /** Marks a batch fully applied. */
    public synchronized void end(long batch) {
        for (int i = 0; i < inFlightCount; i++) {
            if (inFlight[i] == batch) {
                inFlight[i] = inFlight[--inFlightCount];
                return;
            }
        }
    }

    /** Every sample with a version below this has been applied. */
    public synchronized long appliedWatermark() {
        long min = last + 1;
        for (int i = 0; i < inFlightCount; i++) {
            min = Math.min(min, inFlight[i]);
        }
        return Versions.first(min);
    }
}
