package io.promstream.queue;

import io.promstream.store.CheckpointCodec;
import io.promstream.store.CorruptCheckpointException;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One shard for as long as this gateway holds its lease: from acquiring it, through loading its checkpoint and
 * taking from it, to handing it back or losing it. It puts three parts to work on the gateway's threads: the
 * {@link Lease}, the {@link Reader} (several workers read at once, each its own range; answers are settled in list
 * order) and the {@link Checkpoints}. Nothing taken exists only here: a take reads past a cursor without removing
 * anything, and only a checkpoint that covers what was read trims it off the list, in the same script that records
 * the checkpoint.
 *
 * <p>Locks: the take lock guards the reader (reserving and settling reads, and a commit, which runs with no read
 * in flight); a handed-out batch holds the apply lock's read lock until it is applied, and a checkpoint captures
 * the partition under its write lock, so the capture is exactly what the first {@code cursor} elements made of the
 * last checkpoint; one checkpoint at a time (the checkpoint lock).
 */
public final class Shard {
    /** Where the shard is in its tenure here. */
    public enum State {
        OPENING,
        OPEN,
        CLOSING,
        CLOSED
    }

    /** Result of one {@link #take}. */
    public enum Took {
        ELEMENTS,
        EMPTY,
        BUSY,
        CLOSED
    }

    /** What became of one {@link #checkpoint}. */
    public enum Checkpointed {
        NOTHING,
        COMMITTED,
        LOST,
        SKIPPED
    }

    /** Why a shard whose Redis history changed under it is given back and reloaded. */
    private static final String FAILED_OVER = "Redis may have lost writes this gateway had seen (a failover or "
            + "restart: its trimmed count, its history or its length no longer fit what was read); it is reloaded "
            + "from what Redis holds";

    private final ShardKeys keys;
    private final Lease lease;
    private final ShardRedis redis;
    private final MetricStore store;
    private final VersionSequence sequence;
    private final Runnable nudge;
    private final Checkpoints checkpoints;
    private final AtomicBoolean closeSubmitted = new AtomicBoolean();
    private final ReentrantLock takeLock = new ReentrantLock();
    private final Condition changed = takeLock.newCondition();
    private final ReentrantReadWriteLock applyLock = new ReentrantReadWriteLock();
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private final Object commits = new Object();
    private final int popCount;
    /** Under takeLock. */
    private Reader reader;

    private volatile State state = State.OPENING;
    private volatile Partition partition;
    /** Written under takeLock only. */
    private final AtomicLong taken = new AtomicLong();

    private volatile long length = -1;
    private volatile long cursorSnapshot;
    private volatile long commitCount;
    /** Bumped when this gateway itself pushed onto the shard: a waiting worker takes at once. */
    private volatile long wakeups;

    private volatile boolean nudged;
    private volatile long lastCheckpointNanos;
    private volatile String lostReason;
    /** Lost while the lease is still ours (what Redis holds no longer fits what is here): give it back. */
    private volatile boolean stale;

    /** @param nudge asks for a checkpoint now (a worker waits for the trim of what it read) */
    Shard(
            ShardKeys keys,
            Lease lease,
            ShardRedis redis,
            MetricStore store,
            VersionSequence sequence,
            int popCount,
            Runnable nudge) {
        if (popCount < 1 || popCount >= Versions.MAX_BATCH) {
            throw new IllegalArgumentException("popCount must be in [1, " + (Versions.MAX_BATCH - 1) + "]");
        }
        this.keys = keys;
        this.lease = lease;
        this.redis = redis;
        this.store = store;
        this.sequence = sequence;
        this.popCount = popCount;
        this.nudge = nudge;
        this.checkpoints = new Checkpoints(redis, keys, lease.tokenName());
    }

    public int index() {
        return keys.shard();
    }

    public ShardKeys keys() {
        return keys;
    }

    public State state() {
        return state;
    }

    public Partition partition() {
        return partition;
    }

    /** Elements taken since this gateway acquired the shard. */
    public long taken() {
        return taken.get();
    }

    /** The list's length at the last take (read and unread elements), or -1. */
    public long length() {
        return length;
    }

    /** Elements read and applied but not yet covered by a checkpoint. */
    public long uncovered() {
        return cursorSnapshot;
    }

    // ---- the lease ----

    /** Tries to take the lease; true when this tenure now holds it. */
    boolean acquire() {
        return lease.acquire();
    }

    /**
     * Extends the lease; false when it is not ours any more. A lease still ours on another history (a failover or
     * restart since it was acquired) is not extended: the shard is lost as stale, to be reloaded from what Redis
     * holds now.
     */
    boolean renew() {
        switch (lease.renew()) {
            case RENEWED -> {
                Partition p = partition;
                if (p != null && state == State.OPEN) {
                    p.visibleUntil(lease.deadlineNanos());
                }
                return true;
            }
            case MOVED -> {
                stale = true;
                lost(FAILED_OVER);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** Whether the lease may have run out by now (no renewal confirmed in time). */
    boolean leaseExpired() {
        return lease.expired();
    }

    void release() {
        lease.release();
    }

    // ---- opening: the checkpoint and what follows it ----

    /**
     * Loads the shard's checkpoint into a fresh partition and makes the shard ready to take from the first
     * element after it.
     */
    CheckpointCodec.Loaded open() throws CorruptCheckpointException {
        checkpointLock.lock();
        try {
            byte[] bytes;
            try {
                bytes = checkpoints.load();
            } catch (Checkpoints.MissingPartException e) {
                throw new CorruptCheckpointException(e.getMessage(), null);
            }
            long trimmed = redis.trimmed();
            Partition fresh = store.openPartition(keys.shard());
            CheckpointCodec.Loaded loaded;
            try {
                loaded = CheckpointCodec.load(store, fresh, bytes);
            } catch (CorruptCheckpointException | RuntimeException e) {
                store.dropPartition(fresh);
                throw e;
            }
            takeLock.lock();
            try {
                reader = new Reader(popCount, trimmed);
                cursorSnapshot = 0;
                partition = fresh;
                fresh.visibleFrom(lease.exposeFromNanos());
                fresh.visibleUntil(lease.deadlineNanos());
                lastCheckpointNanos = lease.now();
                state = State.OPEN;
            } finally {
                takeLock.unlock();
            }
            return loaded;
        } finally {
            checkpointLock.unlock();
        }
    }

    // ---- taking ----

    /**
     * Reads the next batch past the cursor into {@code out}; the batch holds the apply lock's read lock until
     * {@link #complete}. Several workers read at once, each its own range past the others', and their batches are
     * handed out in list order. With {@code wait} false, a take that would have to wait for the take lock answers
     * {@code BUSY}. Redis errors propagate; nothing was taken then.
     */
    public Took take(QueueBatch out, boolean wait) {
        while (true) {
            Reader.Read read;
            if (wait) {
                takeLock.lock();
            } else if (!takeLock.tryLock()) {
                return Took.BUSY;
            }
            try {
                out.clear();
                while (state == State.OPEN && !reader.reservable()) {
                    if (!wait) {
                        return Took.BUSY;
                    }
                    changed.awaitUninterruptibly();
                }
                if (state != State.OPEN || !resolveAlone()) {
                    return Took.CLOSED;
                }
                read = reader.reserve();
            } finally {
                takeLock.unlock();
            }
            ShardRedis.Fenced fenced = null;
            RuntimeException failed = null;
            try {
                fenced = redis.read(lease.token(), read.trimmed(), lease.history(), read.fromTail(), popCount);
            } catch (RuntimeException e) {
                failed = e; // the reads after it are void; then it propagates: nothing was taken
            }
            takeLock.lock();
            try {
                reader.returned(read, fenced != null);
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
        while (state == State.OPEN && reader.waiting(read)) {
            changed.awaitUninterruptibly();
        }
        if (state != State.OPEN) {
            reader.restart();
            changed.signalAll();
            return Took.CLOSED;
        }
        Reader.Settled settled = reader.settle(read, fenced);
        changed.signalAll();
        switch (settled.kind()) {
            case BATCH -> {
                length = settled.length();
                applyLock.readLock().lock();
                out.fill(settled.items(), sequence.begin(), taken.get(), this);
                taken.addAndGet(settled.items().size());
                cursorSnapshot = reader.cursor();
                return Took.ELEMENTS;
            }
            case EMPTY -> {
                length = settled.length();
                return Took.EMPTY;
            }
            case LEASE_LOST -> {
                lost("the lease was taken over");
                return Took.CLOSED;
            }
            case MOVED -> {
                stale = true;
                lost(
                        settled.length() < 0
                                ? FAILED_OVER
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

    /** Called by the taker, on its own thread, once every element of {@code batch} is applied or rejected. */
    public void complete(QueueBatch batch) {
        sequence.end(batch.sequence());
        batch.markApplied();
        applyLock.readLock().unlock();
    }

    /**
     * Waits, up to {@code seconds}, for something to take: with nothing read and not yet trimmed, on the list
     * itself; otherwise for the checkpoint that trims what was read, which it asks for now.
     */
    public void awaitWork(double seconds) throws InterruptedException {
        if (state != State.OPEN) {
            return;
        }
        if (cursorSnapshot == 0) {
            redis.awaitElements(seconds);
            return;
        }
        long seen = commitCount;
        long woken = wakeups;
        nudged = true;
        nudge.run();
        synchronized (commits) {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (commitCount == seen && wakeups == woken && state == State.OPEN) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(commits, left);
            }
        }
    }

    /** What is queued on the shard and not yet taken, and how many elements had been taken, read atomically. */
    public record Backlog(long unread, long taken) {}

    /**
     * The backlog, read atomically with respect to takes; waits at most {@code timeoutNanos} for a take in progress.
     *
     * @return the backlog, or {@code null} when the wait timed out or the shard is not open
     */
    public Backlog backlog(long timeoutNanos) throws InterruptedException {
        if (!takeLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            if (state != State.OPEN) {
                return null;
            }
            return new Backlog(Math.max(0, redis.length() - reader.cursor()), taken.get());
        } finally {
            takeLock.unlock();
        }
    }

    /**
     * Something was just pushed onto the shard from this gateway (a queued HTTP push): a worker waiting for the
     * trim of what it read wakes and takes it now. (One waiting on the list itself wakes by itself.)
     */
    public void wake() {
        synchronized (commits) {
            wakeups++;
            commits.notifyAll();
        }
    }

    // ---- checkpoints ----

    /** Whether a checkpoint is due: asked for by an idle worker, or {@code intervalNanos} since the last one. */
    boolean checkpointDue(long intervalNanos, long minGapNanos, long maxUncovered) {
        long since = lease.now() - lastCheckpointNanos;
        return since >= intervalNanos || (nudged || cursorSnapshot >= maxUncovered) && since >= minGapNanos;
    }

    /**
     * Writes what changed in the partition since the last checkpoint, with the elements it covers trimmed off the
     * list in the same script. With {@code closing}, also when the shard is closing (its last checkpoint).
     */
    Checkpointed checkpoint(boolean closing) {
        checkpointLock.lock();
        try {
            long cut;
            Checkpoints.Capture capture;
            takeLock.lock();
            try {
                if (reader == null || !(state == State.OPEN || closing && state == State.CLOSING) || !resolveAlone()) {
                    return Checkpointed.SKIPPED; // never opened, closed, or lost while settling a lost reply
                }
                nudged = false;
                lastCheckpointNanos = lease.now();
                applyLock.writeLock().lock();
                try {
                    cut = reader.cursor();
                    CheckpointCodec.Segment segment = CheckpointCodec.take(store, partition, checkpoints.wantFull());
                    capture = new Checkpoints.Capture(
                            segment.bytes(), segment.isFull(), segment.isEmpty(), segment::abandon);
                } finally {
                    applyLock.writeLock().unlock();
                }
            } finally {
                takeLock.unlock();
            }
            if (capture.empty() && cut == 0) {
                return Checkpointed.NOTHING;
            }
            List<String> written;
            try {
                written = checkpoints.write(capture);
            } catch (RuntimeException e) {
                checkpoints.abandon(capture);
                throw e;
            }
            if (written == null) {
                checkpoints.abandon(capture);
                lost("the lease was taken over");
                return Checkpointed.LOST;
            }
            takeLock.lock();
            try {
                return exclusively(() -> commit(capture, written, cut));
            } finally {
                takeLock.unlock();
            }
        } finally {
            checkpointLock.unlock();
        }
    }

    /** The commit itself: under takeLock, with no read in flight (it trims the tail the reads count from). */
    private Checkpointed commit(Checkpoints.Capture capture, List<String> written, long cut) {
        switch (checkpoints.commit(lease, reader, capture, written, cut)) {
            case COMMITTED -> {
                committed();
                return Checkpointed.COMMITTED;
            }
            case LEASE_LOST -> lost("the lease was taken over");
            default -> {
                stale = true;
                lost(FAILED_OVER);
            }
        }
        return Checkpointed.LOST;
    }

    /**
     * Settles a commit whose reply was lost, with no read in flight (a landed commit moved the tail they count
     * from); false when the shard is lost for it. Under takeLock; Redis errors propagate.
     */
    private boolean resolveAlone() {
        if (!checkpoints.unresolved()) {
            return true;
        }
        return exclusively(() -> {
            switch (checkpoints.resolve(lease, reader)) {
                case COMMITTED -> {
                    committed();
                    return true;
                }
                case LEASE_LOST -> lost("the lease was taken over");
                default -> {
                    stale = true;
                    lost(FAILED_OVER);
                }
            }
            return false;
        });
    }

    /** Runs {@code action} once no read is in flight, reserving none meanwhile. Under takeLock. */
    private <T> T exclusively(Supplier<T> action) {
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

    /** After a commit landed (or may have): workers waiting for the trim look again. */
    private void committed() {
        cursorSnapshot = reader.cursor();
        synchronized (commits) {
            commitCount++;
            commits.notifyAll();
        }
    }

    // ---- closing ----

    /** Marks the shard lost (its lease is someone else's, or ran out); the coordinator then closes it. */
    void lost(String reason) {
        if (state == State.OPEN || state == State.OPENING) {
            lostReason = reason;
            state = State.CLOSING;
            Partition p = partition;
            if (p != null) {
                p.visibleUntil(lease.now()); // stop exposing it now
            }
            wakeWaiters();
        }
    }

    /** True for the first caller only: whoever gets true closes the shard. */
    boolean claimClose() {
        return closeSubmitted.compareAndSet(false, true);
    }

    /** Whether the shard was lost with its lease still ours, to hand back at once. */
    boolean isStale() {
        return stale;
    }

    /** Why the shard was lost, or {@code null} when it was not. */
    String lostReason() {
        return lostReason;
    }

    /** Stops new takes; returns once no batch of this shard is being applied. */
    void stopTaking() {
        takeLock.lock();
        try {
            if (state == State.OPEN || state == State.OPENING) {
                state = State.CLOSING;
            }
            changed.signalAll();
        } finally {
            takeLock.unlock();
        }
        Lock applying = applyLock.writeLock();
        applying.lock(); // once had, no batch of this shard is being applied
        try {
            wakeWaiters();
        } finally {
            applying.unlock();
        }
    }

    /** Forgets the partition; the shard is closed. */
    int drop() {
        state = State.CLOSED;
        wakeWaiters();
        Partition p = partition;
        return p == null ? 0 : store.dropPartition(p);
    }

    private void wakeWaiters() {
        if (takeLock.tryLock()) {
            try {
                changed.signalAll();
            } finally {
                takeLock.unlock();
            }
        }
        synchronized (commits) {
            commits.notifyAll();
        }
    }

    @Override
    public String toString() {
        return "shard " + keys.shard() + " (" + keys.list() + ")";
    }
}
