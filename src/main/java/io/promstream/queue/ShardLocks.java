package io.promstream.queue;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The locks of one shard and the {@link Reader} its take lock guards. The take lock guards the reader (reserving and
 * settling reads, and a commit, which runs with no read in flight); a handed-out batch holds the apply lock's read
 * lock until it is applied, and a checkpoint captures the partition under its write lock, so the capture is exactly
 * what the first {@code cursor} elements made of the last checkpoint; one checkpoint at a time (the checkpoint lock).
 */
final class ShardLocks {
    private final ReentrantLock take = new ReentrantLock();
    private final Condition changed = take.newCondition();
    private final ReentrantReadWriteLock apply = new ReentrantReadWriteLock();
    private final ReentrantLock checkpoint = new ReentrantLock();
    private final int popCount;
    /** Under the take lock; {@code null} until the shard is opened. */
    private Reader reader;

    ShardLocks(int popCount) {
        this.popCount = popCount;
    }

    /** Guards the reader. */
    ReentrantLock take() {
        return take;
    }

    /** Signalled under the take lock whenever the reader or the shard's state changed: a waiting taker looks again. */
    Condition changed() {
        return changed;
    }

    /** Read-held by each batch until it is applied; write-held to capture the partition or to wait for the batches. */
    ReentrantReadWriteLock apply() {
        return apply;
    }

    /** One checkpoint (or the load of one) at a time. */
    ReentrantLock checkpoint() {
        return checkpoint;
    }

    /** The elements each read asks for. */
    int popCount() {
        return popCount;
    }

    /** The reader, under the take lock; {@code null} before the shard is opened. */
    Reader reader() {
        return reader;
    }

    /** A fresh reader from the trimmed count {@code trimmed} on. Under the take lock. */
    void open(long trimmed) {
        reader = new Reader(popCount, trimmed);
    }

    /** Runs {@code action} once no read is in flight, reserving none meanwhile. Under the take lock. */
    <T> T exclusively(Supplier<T> action) {
        reader.beginExclusive();
        try {
            while (!reader.quiet()) {
                changed.awaitUninterruptibly();
            }
            return action.get();
        } finally {
            reader.endExclusive();
            changed.signalAll();
        }
    }

    /** Wakes the takers waiting under the take lock, unless it is held (its holder signals when it is done). */
    void wakeTakers() {
        if (take.tryLock()) {
            try {
                changed.signalAll();
            } finally {
                take.unlock();
            }
        }
    }
}
