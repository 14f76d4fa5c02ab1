package io.promstream.ingest;

import java.util.List;

/**
 * Elements taken from the queue in one round trip, with their place in the order of everything taken (see
 * {@link Versions}); the batch starts at stream offset {@link #pendingOffset()} until it is applied.
 */
public final class QueueBatch {
    private List<byte[]> elements = List.of();
    private long sequence;
    /** Offset of a batch taken but not yet fully applied, or -1; read by flush waiters on other threads. */
    private volatile long pendingOffset = -1;

    /** Called under the queue's take lock, so the pending offset is visible as soon as the take is. */
    void fill(List<byte[]> items, long sequence, long offset) {
        this.elements = items;
        this.sequence = sequence;
        this.pendingOffset = offset;
    }

    /** The batch's number in take order. */
    long sequence() {
        return sequence;
    }

    /** Every element of this batch is applied or rejected. */
    void markApplied() {
        this.pendingOffset = -1;
    }

    /** Stream offset of the batch still being applied, or -1 when none is. */
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
