package io.promstream.queue;

import io.dropwizard.lifecycle.Managed;
import io.prometheus.client.Histogram;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Writes each open shard's checkpoint (docs/semantics.md, Checkpoints): every {@code interval}, sooner when a
 * worker has read everything and waits for the trim (at most every tenth of the interval), and when a shard has
 * more than {@code maxUncovered} elements read and not yet covered (which bounds both the read cost past the
 * cursor and what a takeover re-applies). One thread; a Redis error is counted and retried at the next due time.
 */
public final class Checkpointer implements Managed, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    private final ShardTable table;
    private final long intervalNanos;
    private final long minGapNanos;
    private final long maxUncovered;
    private final RedisCalls calls;
    private final Histogram.Child duration;
    private final Object wake = new Object();
    private volatile boolean running;
    private boolean woken;
    private Thread thread;

    public Checkpointer(
            ShardTable table, long intervalMillis, long maxUncovered, RedisCalls calls, Histogram.Child duration) {
        this.table = table;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.minGapNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), intervalNanos / 10);
        this.maxUncovered = maxUncovered;
        this.calls = calls;
        this.duration = duration;
    }

    /** Asks for a look at the shards now (a worker waits for a trim). */
    public void nudge() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this, "checkpointer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        nudge();
        if (thread != null) {
            thread.join(TimeUnit.NANOSECONDS.toMillis(intervalNanos) * 5 + 5_000);
        }
    }

    @Override
    public void run() {
        while (running) {
            for (Shard shard : table.open()) {
                if (!running) {
                    return;
                }
                if (shard.checkpointDue(intervalNanos, minGapNanos, maxUncovered)) {
                    checkpoint(shard);
                }
            }
            try {
                synchronized (wake) {
                    if (!woken) {
                        TimeUnit.NANOSECONDS.timedWait(wake, minGapNanos);
                    }
                    woken = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void checkpoint(Shard shard) {
        long started = System.nanoTime();
        long mark = calls.start();
        try {
            Shard.Checkpointed result = shard.checkpoint(false);
            if (result == Shard.Checkpointed.COMMITTED) {
                duration.observe((System.nanoTime() - started) / 1e9);
            }
            if (result == Shard.Checkpointed.COMMITTED || result == Shard.Checkpointed.LOST) {
                calls.answered(mark);
            }
        } catch (JedisException e) {
            calls.failed(e);
        } catch (RuntimeException e) {
            LOG.error("Checkpoint of shard {} failed", shard.index(), e);
        }
    }
}
