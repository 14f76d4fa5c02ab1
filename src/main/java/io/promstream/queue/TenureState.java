package io.promstream.queue;

import io.promstream.queue.Shard.State;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a shard's tenure here stands: its {@link State}, the partition it exposes (from when the lease allows, to
 * the lease's deadline, cut short when the shard is lost), and once lost, why and whether the lease is still ours.
 */
final class TenureState {
    /** Why a shard whose Redis history changed under it is given back and reloaded. */
    static final String FAILED_OVER = "Redis may have lost writes this gateway had seen (a failover or "
            + "restart: its trimmed count, its history or its length no longer fit what was read); it is reloaded "
            + "from what Redis holds";

    private final Lease lease;
    private final MetricStore store;
    private final ShardLocks locks;
    private final WorkWait work;
    private final AtomicBoolean closeSubmitted = new AtomicBoolean();

    private volatile State state = State.OPENING;
    private volatile Partition partition;
    private volatile String lostReason;
    /** Lost while the lease is still ours (what Redis holds no longer fits what is here): give it back. */
    private volatile boolean stale;

    TenureState(Lease lease, MetricStore store, ShardLocks locks, WorkWait work) {
        this.lease = lease;
        this.store = store;
        this.locks = locks;
        this.work = work;
    }

    State state() {
        return state;
    }

    Partition partition() {
        return partition;
    }

    /** Exposes {@code fresh}, the shard's partition from now on, as far as the lease allows. Under the take lock. */
    void expose(Partition fresh) {
        partition = fresh;
        fresh.visibleFrom(lease.exposeFromNanos());
        fresh.visibleUntil(lease.deadlineNanos());
    }

    /** Open for taking. Under the take lock. */
    void opened() {
        state = State.OPEN;
    }

    /** {@link Shard#renew}. */
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
                failedOver(FAILED_OVER);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** {@link Shard#lost}. */
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

    /** Lost with the lease still ours: Redis no longer holds what was read here; it is handed back, stale. */
    void failedOver(String reason) {
        stale = true;
        lost(reason);
    }

    /** True for the first caller only: whoever gets true closes the shard. */
    boolean claimClose() {
        return closeSubmitted.compareAndSet(false, true);
    }

    boolean isStale() {
        return stale;
    }

    String lostReason() {
        return lostReason;
    }

    /** {@link Shard#stopTaking}. */
    void stopTaking() {
        ReentrantLock takeLock = locks.take();
        takeLock.lock();
        try {
            if (state == State.OPEN || state == State.OPENING) {
                state = State.CLOSING;
            }
            locks.changed().signalAll();
        } finally {
            takeLock.unlock();
        }
        Lock applying = locks.apply().writeLock();
        applying.lock(); // once had, no batch of this shard is being applied
        try {
            wakeWaiters();
        } finally {
            applying.unlock();
        }
    }

    /** {@link Shard#drop}. */
    int drop() {
        state = State.CLOSED;
        wakeWaiters();
        Partition p = partition;
        return p == null ? 0 : store.dropPartition(p);
    }

    private void wakeWaiters() {
        locks.wakeTakers();
        work.wakeAll();
    }
}
