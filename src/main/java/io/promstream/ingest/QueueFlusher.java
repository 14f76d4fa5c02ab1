package io.promstream.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * Waits until everything queued at the time of the call has been taken and applied by the workers. The
 * queue length and the count of elements taken so far are read atomically with respect to takes, so the
 * elements in the queue at that moment are exactly the next {@code length} to be taken (FIFO).
 */
public final class QueueFlusher {
    private final JedisPool pool;
    private final RedisQueue queue;
    private final List<QueueWorker> workers;

    public QueueFlusher(JedisPool pool, RedisQueue queue, List<QueueWorker> workers) {
        this.pool = pool;
        this.queue = queue;
        this.workers = workers;
    }

    /**
     * @return how many elements were in the queue at the call
     * @throws TimeoutException when they were not all applied in time (Redis down, workers stuck)
     */
    public long flush(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RedisQueue.Backlog backlog;
        try (Jedis jedis = pool.getResource()) {
            backlog = queue.backlog(jedis, Math.max(0, deadline - System.nanoTime()));
        }
        if (backlog == null) {
            throw new TimeoutException("the queue could not be read within " + timeout + "; is Redis up?");
        }
        long length = backlog.length();
        long target = backlog.offset() + length;
        while (!appliedUpTo(target)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("only " + Math.max(0, length - (target - queue.taken()))
                        + " of " + length + " queued elements were taken within " + timeout
                        + "; is Redis up and are the workers healthy?");
            }
            LockSupport.parkNanos(1_000_000);
        }
        return length;
    }

    private boolean appliedUpTo(long target) {
        if (queue.taken() < target) {
            return false;
        }
        for (QueueWorker worker : workers) {
            long pending = worker.batch().pendingOffset();
            if (pending >= 0 && pending < target) {
                return false;
            }
        }
        return true;
    }
}
