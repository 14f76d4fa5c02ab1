package io.promstream.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out batch sequence numbers, in the order batches are taken. A sample's version is its batch's
 * number shifted left by {@link QueueBatch#INDEX_BITS} plus its index in the batch.
 */
public final class VersionSequence {
    private final AtomicLong last = new AtomicLong();

    public long nextBatch() {
        return last.incrementAndGet();
    }
}
