package io.promstream.ingest;

import java.util.List;

/**
 * Elements taken from the queue in one round trip, with their place in the order of everything taken:
 * element {@code i} has version {@code firstVersion + i} and stream offset {@code firstOffset + i}.
 */
public final class QueueBatch {
    /** Bits of a version reserved for the element's index within its batch. */
    public static final int INDEX_BITS = 20;
    public static final int MAX_SIZE = 1 << INDEX_BITS;

    private List<byte[]> elements = List.of();
    private long sequence;
    private long firstVersion;
    private long firstOffset;
    /** Offset of a batch taken but not yet fully applied, or -1; read by flush waiters on other threads. */
    private volatile long pendingOffset = -1;

    /** Called under the queue's take lock, so the pending offset is visible as soon as the take is. */
    void fill(List<byte[]> items, long sequence, long offset) {
        this.elements = items;
        this.sequence = sequence;
        this.firstVersion = sequence << INDEX_BITS;
        this.firstOffset = offset;
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
        return firstVersion + i;
    }

    /** Stream offset of the first element (how many elements were taken before it). */
    public long firstOffset() {
        return firstOffset;
    }
}
