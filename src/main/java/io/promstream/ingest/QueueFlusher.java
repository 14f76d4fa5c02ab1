package io.promstream.ingest;

import io.promstream.queue.Shard;
import io.promstream.queue.ShardTable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until everything queued, at the time of the call, on the shards this gateway holds has been taken and
 * applied by the workers. Each shard's unread length and its count of elements taken so far are read atomically
 * with respect to its takes, so the elements queued at that moment are exactly the next ones it takes (FIFO).
 */
public final class QueueFlusher {
    private final ShardTable table;
    private final List<QueueWorker> workers;

    public QueueFlusher(ShardTable table, List<QueueWorker> workers) {
        this.table = table;
        this.workers = workers;
    }

    /** What a flush covered: elements applied, from how many of how many shards. */
    public record Flushed(long elements, int shards, int of) {}

    /**
     * @throws TimeoutException when they were not all applied in time (Redis down, workers stuck)
     */
    public Flushed flush(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long elements = 0;
        Shard[] shards = table.open();
        long[] targets = new long[shards.length];
        for (int i = 0; i < shards.length; i++) {
            Shard.Backlog backlog = shards[i].backlog(Math.max(0, deadline - System.nanoTime()));
            if (backlog == null) {
                throw new TimeoutException(
                        "shard " + shards[i].index() + " could not be read within " + timeout + "; is Redis up?");
            }
            elements += backlog.unread();
            targets[i] = backlog.taken() + backlog.unread();
        }
        for (int i = 0; i < shards.length; i++) {
            while (!appliedUpTo(shards[i], targets[i])) {
                if (shards[i].state() != Shard.State.OPEN) {
                    throw new TimeoutException("shard " + shards[i].index() + " moved to another gateway during "
                            + "the flush; that gateway applies the rest");
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("shard " + shards[i].index() + ": only " + shards[i].taken()
                            + " of " + targets[i] + " elements were taken within " + timeout
                            + "; is Redis up and are the workers healthy?");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
        return new Flushed(elements, shards.length, table.count());
    }

    private boolean appliedUpTo(Shard shard, long target) {
        if (shard.taken() < target) {
            return false;
        }
        for (QueueWorker worker : workers) {
            long pending = worker.batch().pendingOffset();
            if (pending >= 0 && pending < target && worker.batch().shard() == shard) {
                return false;
            }
        }
        return true;
    }
}
