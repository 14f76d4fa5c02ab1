package io.promstream.queue;

import io.promstream.queue.Shard.State;
import io.promstream.queue.Shard.Took;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Hands a shard's elements out to its workers ({@link Shard#take}): a take reserves its range under the take lock
 * and reads it outside, so the reads of several workers overlap; the answers are settled in list order and handed
 * out as batches, each holding the apply lock's read lock until it is complete. Counts what it handed out.
 */
final class Taking {
    private final Shard shard;
    private final ShardLocks locks;
    private final ReentrantLock takeLock;
    private final Condition changed;
    private final ReentrantReadWriteLock applyLock;
    private final ShardRedis redis;
    private final Lease lease;
    private final VersionSequence sequence;
    private final WorkWait work;
    private final Checkpointing checkpointing;
    /** Written under takeLock only. */
    private final AtomicLong taken = new AtomicLong();

    private volatile long length = -1;

    /** @param shard what the batches are taken from */
    Taking(
            Shard shard,
            ShardLocks locks,
            ShardRedis redis,
            Lease lease,
            VersionSequence sequence,
            WorkWait work,
            Checkpointing checkpointing) {
        this.shard = shard;
        this.locks = locks;
        this.takeLock = locks.take();
        this.changed = locks.changed();
        this.applyLock = locks.apply();
        this.redis = redis;
        this.lease = lease;
        this.sequence = sequence;
        this.work = work;
        this.checkpointing = checkpointing;
    }

    /** Elements taken since this gateway acquired the shard. */
    long taken() {
        return taken.get();
    }

    /** The list's length at the last take (read and unread elements), or -1. */
    long length() {
        return length;
    }

    /** {@link Shard#take}. */
    Took take(QueueBatch out, boolean wait) {
        while (true) {
            Reader.Read read;
            if (wait) {
                takeLock.lock();
            } else if (!takeLock.tryLock()) {
                return Took.BUSY;
            }
            try {
                out.clear();
                while (shard.state() == State.OPEN && !locks.reader().reservable()) {
                    if (!wait) {
                        return Took.BUSY;
                    }
                    changed.awaitUninterruptibly();
                }
                if (shard.state() != State.OPEN || !checkpointing.resolveAlone()) {
                    return Took.CLOSED;
                }
                read = locks.reader().reserve();
            } finally {
                takeLock.unlock();
            }
            ShardRedis.Fenced fenced = null;
            RuntimeException failed = null;
            try {
                fenced = redis.read(lease.token(), read.trimmed(), lease.history(), read.fromTail(), locks.popCount());
            } catch (RuntimeException e) {
                failed = e; // the reads after it are void; then it propagates: nothing was taken
            }
            takeLock.lock();
            try {
                locks.reader().returned(read, fenced != null);
                changed.signalAll();
                if (failed != null) {
                    throw failed;
                }
                Took took = settle(read, fenced, out);
                if (took != null) {
                    return took;
                }
            } finally {
                takeLock.unlock();
            }
            // void (a read before it came back short or failed) or reserved ahead past the end: read again
        }
    }

    /** Hands out a read once every read before it is settled; {@code null}: read again. Under takeLock. */
    private Took settle(Reader.Read read, ShardRedis.Fenced fenced, QueueBatch out) {
        while (shard.state() == State.OPEN && locks.reader().waiting(read)) {
            changed.awaitUninterruptibly();
        }
        if (shard.state() != State.OPEN) {
            locks.reader().restart();
            changed.signalAll();
            return Took.CLOSED;
        }
        Reader.Settled settled = locks.reader().settle(read, fenced);
        changed.signalAll();
        switch (settled.kind()) {
            case BATCH -> {
                length = settled.length();
                applyLock.readLock().lock();
                out.fill(settled.items(), sequence.begin(), taken.get(), shard);
                taken.addAndGet(settled.items().size());
                work.uncovered(locks.reader().cursor());
                return Took.ELEMENTS;
            }
            case EMPTY -> {
                length = settled.length();
                return Took.EMPTY;
            }
            case LEASE_LOST -> {
                shard.lost("the lease was taken over");
                return Took.CLOSED;
            }
            case MOVED -> {
                shard.failedOver(
                        settled.length() < 0
                                ? TenureState.FAILED_OVER
                                : "it holds " + settled.length() + " elements, fewer than "
                                        + "the " + read.fromTail()
                                        + " this gateway read and has not trimmed (Redis lost elements "
                                        + "already read, or something else removed them); it is reloaded from what Redis holds");
                return Took.CLOSED;
            }
            default -> {
                return null;
            }
        }
    }

    /** {@link Shard#complete}. */
    void complete(QueueBatch batch) {
        sequence.end(batch.sequence());
        batch.markApplied();
        applyLock.readLock().unlock();
    }

    /** {@link Shard#backlog}. */
    Shard.Backlog backlog(long timeoutNanos) throws InterruptedException {
        if (!takeLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            if (shard.state() != State.OPEN) {
                return null;
            }
            return new Shard.Backlog(Math.max(0, redis.length() - locks.reader().cursor()), taken.get());
        } finally {
            takeLock.unlock();
        }
    }
}
