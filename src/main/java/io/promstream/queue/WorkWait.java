package io.promstream.queue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How a shard's idle worker waits for work: with nothing read and not yet covered by a checkpoint, on the list
 * itself; otherwise for the checkpoint that trims what was read (which it asks for), or a push from this gateway.
 * Holds the count of elements read and not yet covered, and what wakes the waiters.
 */
final class WorkWait {
    private final ShardRedis redis;
    private final Runnable nudge;
    private final Object commits = new Object();
    private volatile long cursorSnapshot;
    private volatile long commitCount;
    /** Bumped when this gateway itself pushed onto the shard: a waiting worker takes at once. */
    private volatile long wakeups;

    private volatile boolean nudged;

    /** @param nudge asks for a checkpoint now (a worker waits for the trim of what it read) */
    WorkWait(ShardRedis redis, Runnable nudge) {
        this.redis = redis;
        this.nudge = nudge;
    }

    /** Elements read and applied but not yet covered by a checkpoint. */
    long uncovered() {
        return cursorSnapshot;
    }

    /** Sets the elements read and not yet covered (after a take, or 0 when the shard opens). Under the take lock. */
    void uncovered(long cursor) {
        cursorSnapshot = cursor;
    }

    /** Whether an idle worker asked for a checkpoint since the last one started. */
    boolean nudged() {
        return nudged;
    }

    /** A checkpoint starts: it answers the workers that asked for one. */
    void clearNudge() {
        nudged = false;
    }

    /**
     * Waits, up to {@code seconds}, for something to take: with nothing read and not yet trimmed, on the list
     * itself; otherwise for the checkpoint that trims what was read, which it asks for now. Returns at once, or as
     * soon as it sees, when {@code open} is false.
     */
    void await(double seconds, BooleanSupplier open) throws InterruptedException {
        if (!open.getAsBoolean()) {
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
            while (commitCount == seen && wakeups == woken && open.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(commits, left);
            }
        }
    }

    /** Something was just pushed onto the shard from this gateway: a worker waiting for a trim takes it now. */
    void wake() {
        synchronized (commits) {
            wakeups++;
            commits.notifyAll();
        }
    }

    /** After a commit landed (or may have), {@code cursor} elements read are not covered: waiters look again. */
    void committed(long cursor) {
        cursorSnapshot = cursor;
        synchronized (commits) {
            commitCount++;
            commits.notifyAll();
        }
    }

    /** The shard closes: every waiter looks again (and finds it closed). */
    void wakeAll() {
        synchronized (commits) {
            commits.notifyAll();
        }
    }
}
