package io.promstream.queue;

import io.promstream.store.CheckpointCodec;
import io.promstream.store.CorruptCheckpointException;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;

/**
 * One shard for as long as this gateway holds its lease: from acquiring it, through loading its checkpoint and
 * taking from it, to handing it back or losing it. It puts three parts to work on the gateway's threads: the
 * {@link Lease}, the {@link Reader} (several workers read at once, each its own range; answers are settled in list
 * order) and the {@link Checkpoints}. Nothing taken exists only here: a take reads past a cursor without removing
 * anything, and only a checkpoint that covers what was read trims it off the list, in the same script that records
 * the checkpoint.
 *
 * <p>The parts on the threads, under the {@link ShardLocks}: {@link TenureState} (the state and the partition
 * exposed), {@link Taking} (batches handed out), {@link Checkpointing} (loaded and written), {@link WorkWait} (idle
 * workers).
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

    private final ShardKeys keys;
    private final Lease lease;
    private final WorkWait work;
    private final TenureState tenure;
    private final Checkpointing checkpointing;
    private final Taking taking;

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
        ShardLocks locks = new ShardLocks(popCount);
        this.work = new WorkWait(redis, nudge);
        this.tenure = new TenureState(lease, store, locks, work);
        this.checkpointing = new Checkpointing(tenure, locks, keys, redis, store, lease, work);
        this.taking = new Taking(this, locks, redis, lease, sequence, work, checkpointing);
    }

    public int index() {
        return keys.shard();
    }

    public ShardKeys keys() {
        return keys;
    }

    public State state() {
        return tenure.state();
    }

    public Partition partition() {
        return tenure.partition();
    }

    /** Elements taken since this gateway acquired the shard. */
    public long taken() {
        return taking.taken();
    }

    /** The list's length at the last take (read and unread elements), or -1. */
    public long length() {
        return taking.length();
    }

    /** Elements read and applied but not yet covered by a checkpoint. */
    public long uncovered() {
        return work.uncovered();
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
        return tenure.renew();
    }

    /** Whether the lease may have run out by now (no renewal confirmed in time). */
    boolean leaseExpired() {
        return lease.expired();
    }

    void release() {
        lease.release();
    }

    // ---- opening, taking, checkpoints ----

    /**
     * Loads the shard's checkpoint into a fresh partition and makes the shard ready to take from the first
     * element after it.
     */
    CheckpointCodec.Loaded open() throws CorruptCheckpointException {
        return checkpointing.open();
    }

    /**
     * Reads the next batch past the cursor into {@code out}; the batch holds the apply lock's read lock until
     * {@link #complete}. Several workers read at once, each its own range past the others', and their batches are
     * handed out in list order. With {@code wait} false, a take that would have to wait for the take lock answers
     * {@code BUSY}. Redis errors propagate; nothing was taken then.
     */
    public Took take(QueueBatch out, boolean wait) {
        return taking.take(out, wait);
    }

    /** Called by the taker, on its own thread, once every element of {@code batch} is applied or rejected. */
    public void complete(QueueBatch batch) {
        taking.complete(batch);
    }

    /**
     * Waits, up to {@code seconds}, for something to take: with nothing read and not yet trimmed, on the list
     * itself; otherwise for the checkpoint that trims what was read, which it asks for now.
     */
    public void awaitWork(double seconds) throws InterruptedException {
        work.await(seconds, () -> tenure.state() == State.OPEN);
    }

    /** What is queued on the shard and not yet taken, and how many elements had been taken, read atomically. */
    public record Backlog(long unread, long taken) {}

    /**
     * The backlog, read atomically with respect to takes; waits at most {@code timeoutNanos} for a take in progress.
     *
     * @return the backlog, or {@code null} when the wait timed out or the shard is not open
     */
    public Backlog backlog(long timeoutNanos) throws InterruptedException {
        return taking.backlog(timeoutNanos);
    }

    /**
     * Something was just pushed onto the shard from this gateway (a queued HTTP push): a worker waiting for the
     * trim of what it read wakes and takes it now. (One waiting on the list itself wakes by itself.)
     */
    public void wake() {
        work.wake();
    }

    /** Whether a checkpoint is due: asked for by an idle worker, or {@code intervalNanos} since the last one. */
    boolean checkpointDue(long intervalNanos, long minGapNanos, long maxUncovered) {
        return checkpointing.due(intervalNanos, minGapNanos, maxUncovered);
    }

    /**
     * Writes what changed in the partition since the last checkpoint, with the elements it covers trimmed off the
     * list in the same script. With {@code closing}, also when the shard is closing (its last checkpoint).
     */
    Checkpointed checkpoint(boolean closing) {
        return checkpointing.checkpoint(closing);
    }

    // ---- closing ----

    /** Marks the shard lost (its lease is someone else's, or ran out); the coordinator then closes it. */
    void lost(String reason) {
        tenure.lost(reason);
    }

    /** Marks the shard lost with its lease still ours: Redis no longer holds what was read here (stale). */
    void failedOver(String reason) {
        tenure.failedOver(reason);
    }

    /** True for the first caller only: whoever gets true closes the shard. */
    boolean claimClose() {
        return tenure.claimClose();
    }

    /** Whether the shard was lost with its lease still ours, to hand back at once. */
    boolean isStale() {
        return tenure.isStale();
    }

    /** Why the shard was lost, or {@code null} when it was not. */
    String lostReason() {
        return tenure.lostReason();
    }

    /** Stops new takes; returns once no batch of this shard is being applied. */
    void stopTaking() {
        tenure.stopTaking();
    }

    /** Forgets the partition; the shard is closed. */
    int drop() {
        return tenure.drop();
    }

    @Override
    public String toString() {
        return "shard " + keys.shard() + " (" + keys.list() + ")";
    }
}
