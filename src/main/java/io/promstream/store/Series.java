package io.promstream.store;

import io.promstream.parse.Sample;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * One aggregated series. Every read and write happens under the series' own monitor, so there is no lock
 * wider than one series on the hot path. A removed series refuses updates; the writer then retries on a
 * fresh series, so a sample racing a reset or an expiry is never lost.
 */
public abstract class Series {
    /** Series read ahead at once by {@link #readAhead}. */
    static final int READ_AHEAD = 16;
    /** Where the read-ahead's loads go, so that the compiler keeps them; its value means nothing. */
    @SuppressWarnings("unused")
    private static int readAheadSink;

    private final LabelSet labels;
    /**
     * Its labels' hash, kept here: the chunk a scrape shows it in ({@link ChunkVersions#chunkOf}), found without
     * reading the labels, whether a change marks the chunk or a scrape sorts the family.
     */
    private final int labelsHash;

    private long lastUpdatedMillis;
    private boolean removed;
    /** Changed since the last checkpoint took it; guarded by the monitor. */
    private boolean dirty;
    /** The TTL a push gave it, in seconds (0: never expires), else {@link #FAMILY_TTL}; guarded by the monitor. */
    private int ttlSeconds = FAMILY_TTL;
    /** Set once, before the series is published in its family's map. */
    private Family family;

    private Partition partition;
    /** Its number in its partition's checkpoints ({@link CheckpointIds}); guarded by the shard's checkpoint lock. */
    private int checkpointId;

    /** {@link #ownTtlSeconds} of a series that lives by its family's TTL. */
    static final int FAMILY_TTL = -1;

    Series(LabelSet labels, long nowMillis) {
        this.labels = labels;
        this.labelsHash = labels.hashCode();
        this.lastUpdatedMillis = nowMillis;
    }

    public LabelSet labels() {
        return labels;
    }

    /** {@code labels().hashCode()}. */
    final int labelsHash() {
        return labelsHash;
    }

    /**
     * Places the series in its family and partition, before it is published in the family's map.
     *
     * @param changed whether it is new since the last checkpoint (restored series are not)
     */
    final void home(Family family, Partition partition, boolean changed) {
        this.family = family;
        this.partition = partition;
        if (ownTtlSeconds() != FAMILY_TTL) {
            family.markOwnTtls();
        }
        if (changed) {
            synchronized (this) {
                touch();
            }
        }
    }

    final int checkpointId() {
        return checkpointId;
    }

    /**
     * Reads each of {@code series[from, to)} in one loop of independent loads, before they are copied or written one
     * by one: a family's series lie scattered over the heap, and this lets the processor fetch them in parallel where
     * going through them one after the other waits on each in turn. Callers go through a list {@link #READ_AHEAD} at a
     * time.
     */
    static void readAhead(List<Series> series, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            Series s = series.get(i);
            sum += s.labelsHash + s.checkpointId;
        }
        readAheadSink = sum;
    }

    final void checkpointId(int id) {
        checkpointId = id;
    }

    final Family family() {
        return family;
    }

    final Partition partition() {
        return partition;
    }

    /** Under the monitor: notes a change for the next checkpoint and the next scrape. */
    private void touch() {
        if (family != null) {
            family.exposedChanged(this);
        }
        if (!dirty && partition != null) {
            dirty = true;
            partition.changed(this);
        }
    }

    /** Under the monitor of the caller: marks it changed again (a checkpoint that took it failed). */
    final synchronized void changedAgain() {
        touch();
    }

    /** Outcome of {@link #apply}. */
    enum Applied {
        OK,
        /** Applied, but the sample named another bucket or quantile layout. */
        MISMATCH,
        /** Not applied: a merged histogram whose layout differs from the series'. */
        REFUSED,
        /** Not applied: the value or sum would overflow to infinity, or become NaN. */
        OVERFLOW,
        /** Not applied: the series was removed meanwhile. */
        REMOVED,
        /** Not applied: the series belongs to a Pushgateway-style group, which only pushes to it replace. */
        HELD
    }

    /**
     * Applies one valid sample of this series' type.
     *
     * @param version the sample's place in push order (later pushed, larger); gauges order by it
     */
    final synchronized Applied apply(Sample sample, long version, long nowMillis) {
        if (removed) {
            return Applied.REMOVED;
        }
        Applied result = update(sample, version);
        if (result == Applied.OK || result == Applied.MISMATCH) {
            lastUpdatedMillis = Math.max(lastUpdatedMillis, nowMillis);
            if (sample.ttlMillis() != Sample.NO_TTL) {
                ownTtl(sample.ttlMillis());
            }
            touch();
        }
        return result;
    }

    /** Lives {@code ttlMillis} (rounded up to seconds; 0: for ever) after its last update, whatever its family's. */
    final synchronized void ownTtl(long ttlMillis) {
        int seconds = (int) Math.min(Integer.MAX_VALUE, (ttlMillis + 999) / 1000);
        if (seconds != ttlSeconds) {
            ttlSeconds = seconds;
            if (family != null) {
                family.markOwnTtls();
            }
            touch();
        }
    }

    /** The TTL a push gave it, in seconds, or {@link #FAMILY_TTL}. */
    final synchronized int ownTtlSeconds() {
        return ttlSeconds;
    }

    /**
     * Marks this series removed when it was idle for its TTL (its own, else {@code familyTtlMillis}; 0 never),
     * counted from its last update or from {@code activeMillis} when later (its group's last push).
     *
     * @return whether it is removed
     */
    final synchronized boolean expireIfIdle(long nowMillis, long familyTtlMillis, long activeMillis) {
        long ttl = ttlSeconds == FAMILY_TTL ? familyTtlMillis : ttlSeconds * 1000L;
        if (!removed && ttl > 0 && Math.max(lastUpdatedMillis, activeMillis) <= nowMillis - ttl) {
            removed = true;
            touch();
        }
        return removed;
    }

    /**
     * What {@link #apply} would do with the sample as things stand, without changing anything: {@code OK} (or
     * {@code MISMATCH}), {@code REFUSED}, {@code OVERFLOW} or {@code REMOVED}. A push is checked whole this way
     * before any of it is applied.
     */
    final synchronized Applied check(Sample sample) {
        return removed ? Applied.REMOVED : probe(sample);
    }

    /** {@link #check} for this type, under the monitor. */
    abstract Applied probe(Sample sample);

    /** Marks this series removed for good (its group replaced or deleted it). */
    final synchronized void markRemoved() {
        if (!removed) {
            removed = true;
            touch();
        }
    }

    /** The Pushgateway-style group that owns this series, or {@code null} for an aggregated series. */
    Group group() {
        return null;
    }

    /** Marks this series removed when {@code idleSinceMillis} is not after its last update; under the monitor. */
    final synchronized boolean removeIfIdleSince(long idleSinceMillis) {
        if (!removed && lastUpdatedMillis <= idleSinceMillis) {
            removed = true;
            touch();
        }
        return removed;
    }

    final synchronized long lastUpdatedMillis() {
        return lastUpdatedMillis;
    }

    final synchronized boolean isRemoved() {
        return removed;
    }

    /**
     * For a checkpoint: clears the changed mark and writes the series ({@code true}), or, when it was removed,
     * writes nothing and answers {@code false}.
     */
    final synchronized boolean takeChange(DataOutputStream out) throws IOException {
        dirty = false;
        if (removed) {
            return false;
        }
        out.writeLong(lastUpdatedMillis);
        writeState(out);
        return true;
    }

    final synchronized SeriesSnapshot snapshot() {
        return snapshotLocked();
    }

    /** Updates the aggregate. Under the monitor. */
    abstract Applied update(Sample sample, long version);

    abstract SeriesSnapshot snapshotLocked();

    /** Writes the last-update time and the type's state, consistently, under the monitor. */
    final synchronized void writeTo(DataOutputStream out) throws IOException {
        out.writeLong(lastUpdatedMillis);
        writeState(out);
    }

    abstract void writeState(DataOutputStream out) throws IOException;
}
