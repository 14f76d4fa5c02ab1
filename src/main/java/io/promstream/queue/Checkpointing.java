package io.promstream.queue;

import io.promstream.queue.Shard.Checkpointed;
import io.promstream.queue.Shard.State;
import io.promstream.store.CheckpointCodec;
import io.promstream.store.CorruptCheckpointException;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A shard's {@link Checkpoints} put to work on the gateway's threads: the last checkpoint loaded when the shard
 * opens; the next ones captured under the apply lock, written, and committed with no read in flight; a commit whose
 * reply was lost settled before the list is read again. Holds when the last checkpoint started.
 */
final class Checkpointing {
    private final TenureState tenure;
    private final ShardLocks locks;
    private final ShardKeys keys;
    private final ReentrantLock takeLock;
    private final ReentrantLock checkpointLock;
    private final ReentrantReadWriteLock applyLock;
    private final Checkpoints checkpoints;
    private final ShardRedis redis;
    private final MetricStore store;
    private final Lease lease;
    private final WorkWait work;

    private volatile long lastCheckpointNanos;

    Checkpointing(
            TenureState tenure,
            ShardLocks locks,
            ShardKeys keys,
            ShardRedis redis,
            MetricStore store,
            Lease lease,
            WorkWait work) {
        this.tenure = tenure;
        this.locks = locks;
        this.keys = keys;
        this.takeLock = locks.take();
        this.checkpointLock = locks.checkpoint();
        this.applyLock = locks.apply();
        this.checkpoints = new Checkpoints(redis, keys, lease.tokenName());
        this.redis = redis;
        this.store = store;
        this.lease = lease;
        this.work = work;
    }

    /** {@link Shard#open}. */
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
                locks.open(trimmed);
                work.uncovered(0);
                tenure.expose(fresh);
                lastCheckpointNanos = lease.now();
                tenure.opened();
            } finally {
                takeLock.unlock();
            }
            return loaded;
        } finally {
            checkpointLock.unlock();
        }
    }

    /** {@link Shard#checkpointDue}. */
    boolean due(long intervalNanos, long minGapNanos, long maxUncovered) {
        long since = lease.now() - lastCheckpointNanos;
        return since >= intervalNanos || (work.nudged() || work.uncovered() >= maxUncovered) && since >= minGapNanos;
    }

    /** {@link Shard#checkpoint}. */
    Checkpointed checkpoint(boolean closing) {
        checkpointLock.lock();
        try {
            long cut;
            Checkpoints.Capture capture;
            takeLock.lock();
            try {
                if (locks.reader() == null
                        || !(tenure.state() == State.OPEN || closing && tenure.state() == State.CLOSING)
                        || !resolveAlone()) {
                    return Checkpointed.SKIPPED; // never opened, closed, or lost while settling a lost reply
                }
                work.clearNudge();
                lastCheckpointNanos = lease.now();
                applyLock.writeLock().lock();
                try {
                    cut = locks.reader().cursor();
                    CheckpointCodec.Segment segment =
                            CheckpointCodec.take(store, tenure.partition(), checkpoints.wantFull());
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
                tenure.lost("the lease was taken over");
                return Checkpointed.LOST;
            }
            takeLock.lock();
            try {
                return locks.exclusively(() -> commit(capture, written, cut));
            } finally {
                takeLock.unlock();
            }
        } finally {
            checkpointLock.unlock();
        }
    }

    /** The commit itself: under takeLock, with no read in flight (it trims the tail the reads count from). */
    private Checkpointed commit(Checkpoints.Capture capture, List<String> written, long cut) {
        switch (checkpoints.commit(lease, locks.reader(), capture, written, cut)) {
            case COMMITTED -> {
                committed();
                return Checkpointed.COMMITTED;
            }
            case LEASE_LOST -> tenure.lost("the lease was taken over");
            default -> tenure.failedOver(TenureState.FAILED_OVER);
        }
        return Checkpointed.LOST;
    }

    /**
     * Settles a commit whose reply was lost, with no read in flight (a landed commit moved the tail they count
     * from); false when the shard is lost for it. Under takeLock; Redis errors propagate.
     */
    boolean resolveAlone() {
        if (!checkpoints.unresolved()) {
            return true;
        }
        return locks.exclusively(() -> {
            switch (checkpoints.resolve(lease, locks.reader())) {
                case COMMITTED -> {
                    committed();
                    return true;
                }
                case LEASE_LOST -> tenure.lost("the lease was taken over");
                default -> tenure.failedOver(TenureState.FAILED_OVER);
            }
            return false;
        });
    }

    /** After a commit landed (or may have): workers waiting for the trim look again. */
    private void committed() {
        work.committed(locks.reader().cursor());
    }
}
