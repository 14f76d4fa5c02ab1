package io.promstream.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;

/**
 * The Redis list senders {@code LPUSH} onto; workers take from the tail (FIFO). Taking is serialized by a
 * lock held only for the {@code RPOP} round trip, and each batch gets the next sequence number under that lock,
 * so batch order equals the order Redis served them in: that is what lets a later-pushed gauge {@code set}
 * always win, whichever worker applies it first. Parsing and aggregation happen outside the lock, in parallel.
 * A worker that finds the list empty waits for it outside the lock, with a blocking {@code BLMOVE} of the list's
 * tail onto itself, which leaves the list as it is: so no one ever waits on the lock for longer than a round
 * trip (a flush, say), and an idle gateway costs nothing.
 */
public final class RedisQueue {
    private final String key;
    private final byte[] keyBytes;
    private final int popCount;
    private final double blockSeconds;
    private final VersionSequence sequence;
    private final ReentrantLock takeLock = new ReentrantLock();
    /** Elements taken so far; written under takeLock. */
    private volatile long taken;

    public RedisQueue(String key, int popCount, double blockSeconds, VersionSequence sequence) {
        if (popCount < 1 || popCount >= Versions.MAX_BATCH) {
            throw new IllegalArgumentException("popCount must be in [1, " + (Versions.MAX_BATCH - 1) + "]");
        }
        this.key = key;
        this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
        this.popCount = popCount;
        this.blockSeconds = blockSeconds;
        this.sequence = sequence;
    }

    public String key() {
        return key;
    }

    /** Result of one {@link #take}. */
    public enum Took { ELEMENTS, EMPTY, STOPPED }

    /**
     * Takes up to {@code popCount} elements; when the list is empty, waits up to the block timeout for one to
     * arrive (without taking it: the next call does). Redis errors propagate (nothing was taken that the caller
     * does not see).
     */
    public Took take(Jedis jedis, QueueBatch out, Stoppable stop) {
        takeLock.lock();
        try {
            out.clear();
            if (stop.isStopping()) {
                return Took.STOPPED;
            }
            List<byte[]> items = jedis.rpop(keyBytes, popCount);
            if (items != null && !items.isEmpty()) {
                out.fill(items, sequence.begin(), taken);
                taken += items.size();
                return Took.ELEMENTS;
            }
        } finally {
            takeLock.unlock();
        }
        jedis.blmove(keyBytes, keyBytes, ListDirection.RIGHT, ListDirection.RIGHT, blockSeconds);
        return Took.EMPTY;
    }

    /** Called by the taker once every element of {@code batch} is applied or rejected. */
    public void complete(QueueBatch batch) {
        sequence.end(batch.sequence());
        batch.markApplied();
    }

    /** What is queued now: its length, and the stream offset of its first (oldest) element. */
    public record Backlog(long length, long offset) {
    }

    /**
     * The backlog, read atomically with respect to takes; waits at most {@code timeoutNanos} for a take in
     * progress (one round trip).
     *
     * @return the backlog, or {@code null} when the wait timed out
     */
    public Backlog backlog(Jedis jedis, long timeoutNanos) throws InterruptedException {
        if (!takeLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            return new Backlog(jedis.llen(keyBytes), taken);
        } finally {
            takeLock.unlock();
        }
    }

    /** How many elements have been taken since start. */
    public long taken() {
        return taken;
    }

    public long length(Jedis jedis) {
        return jedis.llen(keyBytes);
    }

    /** Asked by a taker whether it should still take. */
    @FunctionalInterface
    public interface Stoppable {
        boolean isStopping();
    }
}
