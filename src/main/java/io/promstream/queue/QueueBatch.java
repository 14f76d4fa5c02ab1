package io.promstream.queue;

import java.util.List;

/**
 * Elements taken from one shard in one round trip, with their place in the order of everything taken (see
 * {@link Versions}); the batch starts at the shard's stream offset {@link #pendingOffset()} until it is applied.
 */
public final class QueueBatch {
    private List<byte[]> elements = List.of();
    private long sequence;
    private Shard shard;
    /** Offset of a batch taken but not yet fully applied, or -1; read by flush waiters on other threads. */
    private volatile long pendingOffset = -1;

    /** Called under the shard's take lock, so the pending offset is visible as soon as the take is. */
    void fill(List<byte[]> items, long sequence, long offset, Shard shard) {
        this.elements = items;
        this.sequence = sequence;
        this.shard = shard;
        this.pendingOffset = offset;
    }

    /** The batch's number in take order. */
    long sequence() {
        return sequence;
    }

    /** The shard the batch was taken from. */
    public Shard shard() {
        return shard;
    }

    /** Every element of this batch is applied or rejected. */
    void markApplied() {
        this.pendingOffset = -1;
    }

    /** Stream offset (in its shard, since this gateway acquired it) of the batch being applied, or -1. */
    public long pendingOffset() {
        return pendingOffset;
    }

    void clear() {
        this.elements = List.of();
    }

    public int size() {
        return elements.size();
    }

    public byte[] element(int i) {
        return elements.get(i);
    }

    public long version(int i) {
        return Versions.of(sequence, i);
    }
}
