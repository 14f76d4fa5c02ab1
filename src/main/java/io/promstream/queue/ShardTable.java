package io.promstream.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shards this gateway holds now, by number: what workers take from, what the status page and the
 * {@code shard_owned} gauge show. Changed by the coordinator; workers read a copy without locking and wait on it
 * when there is nothing to take from.
 */
public final class ShardTable {
    private final int count;
    private final Shard[] held;
    private volatile Shard[] open = new Shard[0];
    private long version;

    public ShardTable(int count) {
        this.count = count;
        this.held = new Shard[count];
    }

    /** How many shards the queue has. */
    public int count() {
        return count;
    }

    /** The shards open for taking (a snapshot; a shard may close after it was read). */
    public Shard[] open() {
        return open;
    }

    /** The shard of this number held here (opening, open or closing), or {@code null}. */
    public synchronized Shard held(int shard) {
        return held[shard];
    }

    /** Every shard held here, in any state, by number. */
    public synchronized List<Shard> held() {
        List<Shard> out = new ArrayList<>();
        for (Shard s : held) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    synchronized void put(Shard shard) {
        held[shard.index()] = shard;
        changed();
    }

    synchronized void remove(Shard shard) {
        if (held[shard.index()] == shard) {
            held[shard.index()] = null;
        }
        changed();
    }

    /** A shard changed state (opened, closing): the open list is recomputed and waiters wake. */
    synchronized void changed() {
        List<Shard> now = new ArrayList<>();
        for (Shard s : held) {
            if (s != null && s.state() == Shard.State.OPEN) {
                now.add(s);
            }
        }
        open = now.toArray(Shard[]::new);
        version++;
        notifyAll();
    }

    /** Waits up to {@code millis} for the held shards to change. */
    public synchronized void awaitChange(long millis) throws InterruptedException {
        long seen = version;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (version == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
