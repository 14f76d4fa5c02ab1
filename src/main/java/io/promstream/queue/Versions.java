package io.promstream.queue;

/**
 * The one home of the version encoding: a sample's place in push order is its batch's number (batches are
 * numbered in the order they are taken) shifted left by {@link #INDEX_BITS}, plus its index in the batch. Later
 * pushed, larger; gauges order their updates by it (docs/semantics.md, Order).
 */
public final class Versions {
    /** Bits of a version reserved for the element's index within its batch. */
    public static final int INDEX_BITS = 20;
    /** Elements a batch may hold. */
    public static final int MAX_BATCH = 1 << INDEX_BITS;

    private Versions() {}

    /** The version of element {@code index} of batch {@code batch}; indexes past the last share its version. */
    public static long of(long batch, int index) {
        return (batch << INDEX_BITS) + Math.min(index, MAX_BATCH - 1);
    }

    /** The lowest version of batch {@code batch}. */
    public static long first(long batch) {
        return batch << INDEX_BITS;
    }
}
