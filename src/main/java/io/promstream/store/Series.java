package io.promstream.store;

import io.promstream.parse.Sample;

/**
 * One aggregated series. Every read and write happens under the series' own monitor, so there is no lock
 * wider than one series on the hot path. A removed series refuses updates; the writer then retries on a
 * fresh series, so a sample racing a reset or an expiry is never lost.
 */
public abstract class Series {
    private final LabelSet labels;
    private long lastUpdatedMillis;
    private boolean removed;

    Series(LabelSet labels, long nowMillis) {
        this.labels = labels;
        this.lastUpdatedMillis = nowMillis;
    }

    public LabelSet labels() {
        return labels;
    }

    /** Outcome of {@link #apply}. */
    enum Applied { OK, MISMATCH, REMOVED }

    /** Applies one valid sample of this series' type. */
    final synchronized Applied apply(Sample sample, long nowMillis) {
        if (removed) {
            return Applied.REMOVED;
        }
        boolean mismatch = update(sample);
        lastUpdatedMillis = Math.max(lastUpdatedMillis, nowMillis);
        return mismatch ? Applied.MISMATCH : Applied.OK;
    }

    /** Marks this series removed when {@code idleSinceMillis} is not after its last update; under the monitor. */
    final synchronized boolean removeIfIdleSince(long idleSinceMillis) {
        if (!removed && lastUpdatedMillis <= idleSinceMillis) {
            removed = true;
        }
        return removed;
    }

    final synchronized long lastUpdatedMillis() {
        return lastUpdatedMillis;
    }

    final synchronized SeriesSnapshot snapshot() {
        return snapshotLocked();
    }

    /** Updates the aggregate; returns true when the sample's layout differs from this series'. Under the monitor. */
    abstract boolean update(Sample sample);

    abstract SeriesSnapshot snapshotLocked();
}
