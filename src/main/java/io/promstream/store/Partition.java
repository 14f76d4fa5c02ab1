package io.promstream.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The part of the store fed by one shard of the queue (docs/semantics.md, Shards): every series belongs to the
 * partition of the shard its first sample arrived on, and a partition's series come and go with the shard's
 * lease. It keeps the series changed since its last checkpoint, in the order they were first changed, and
 * whether its series may be exposed (only while this gateway is sure it holds the shard).
 */
public final class Partition {
    private final int id;
    private final ConcurrentLinkedQueue<Series> dirty = new ConcurrentLinkedQueue<>();
    private final SeenKeys seen;
    private final CheckpointIds checkpointIds = new CheckpointIds();
    private volatile long visibleUntilNanos;
    private volatile long visibleFromNanos = Long.MIN_VALUE;
    private volatile boolean from;
    private volatile boolean visible;
    private volatile boolean always;
    private volatile boolean dropped;

    Partition(int id, int seenKeys) {
        this.id = id;
        this.seen = new SeenKeys(seenKeys);
    }

    /** The keys of what was applied to this partition once and must not be applied again (checkpointed with it). */
    public SeenKeys seen() {
        return seen;
    }

    /** The numbers its checkpoints give its series. */
    CheckpointIds checkpointIds() {
        return checkpointIds;
    }

    /** Its series are exposed for as long as it is open (a store that is not sharded by leases). */
    public Partition alwaysVisible() {
        always = true;
        return this;
    }

    /** The shard number. */
    public int id() {
        return id;
    }

    /** Its series may be exposed until {@code nanos} ({@link System#nanoTime()} scale), e.g. a lease's end. */
    public void visibleUntil(long nanos) {
        this.visibleUntilNanos = nanos;
        this.visible = true;
    }

    /**
     * Its series may be exposed from {@code nanos} on, not before (a shard taken over after a failover: the
     * previous holder may expose it until its own lease's local deadline).
     */
    public void visibleFrom(long nanos) {
        this.visibleFromNanos = nanos;
        this.from = true;
    }

    /** Whether its series may be exposed at {@code nowNanos}. */
    public boolean isVisible(long nowNanos) {
        return !dropped
                && (always
                        || visible && nowNanos - visibleUntilNanos < 0 && (!from || nowNanos - visibleFromNanos >= 0));
    }

    void markDropped() {
        dropped = true;
        dirty.clear();
        seen.clear();
    }

    /** Called by a series, under its monitor, when it changes for the first time since it was last taken. */
    void changed(Series series) {
        dirty.add(series);
    }

    /** Takes every series changed since the last call, in the order they first changed. */
    List<Series> takeChanged() {
        List<Series> out = new ArrayList<>();
        for (Series s = dirty.poll(); s != null; s = dirty.poll()) {
            out.add(s);
        }
        return out;
    }

    @Override
    public String toString() {
        return "partition " + id;
    }
}
