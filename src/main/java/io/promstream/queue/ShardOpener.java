package io.promstream.queue;

import io.prometheus.client.Gauge;
import io.promstream.store.CheckpointCodec;
import io.promstream.store.CorruptCheckpointException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The coordinator's opener thread: opens the shards acquired (loads their checkpoints) and closes those handed back
 * or lost (a last checkpoint and the lease released while still ours), one at a time, so a slow load never delays a
 * renewal; keeps the shard table and {@code shard_owned} up to date.
 */
final class ShardOpener {
    /** Logs as the coordinator it is part of. */
    private static final Logger LOG = LoggerFactory.getLogger(ShardCoordinator.class);

    private final ExecutorService thread;
    private final ShardTable table;
    private final RedisCalls calls;
    private final Gauge owned;
    private final Runnable lookAgain;

    /**
     * @param thread runs the opens and closes, one at a time
     * @param owned {@code shard_owned{shard}}
     * @param lookAgain starts a round now (a shard lost may be free again)
     */
    ShardOpener(ExecutorService thread, ShardTable table, RedisCalls calls, Gauge owned, Runnable lookAgain) {
        this.thread = thread;
        this.table = table;
        this.calls = calls;
        this.owned = owned;
        this.lookAgain = lookAgain;
    }

    /** Opens a shard just acquired, on the opener thread. */
    void submitOpen(Shard shard) {
        thread.execute(() -> open(shard));
    }

    /** Waits up to {@code millis} for the opens submitted so far. */
    void awaitOpens(long millis) throws InterruptedException, ExecutionException, TimeoutException {
        thread.submit(() -> {}).get(millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread, waiting up to {@code millis} for what it was given. */
    void stop(long millis) throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    private void open(Shard shard) {
        long started = System.nanoTime();
        try {
            CheckpointCodec.Loaded loaded = shard.open();
            table.changed();
            owned.labels(Integer.toString(shard.index())).set(1);
            LOG.info(
                    "Acquired shard {} ({}): {} series from a checkpoint of {} bytes in {} segment(s), {} ms{}",
                    shard.index(),
                    shard.keys().list(),
                    loaded.series(),
                    loaded.bytes(),
                    loaded.segments(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    loaded.refused() == 0
                            ? ""
                            : "; " + loaded.refused() + " series refused (their names are " + "another type's here)");
        } catch (CorruptCheckpointException e) {
            LOG.error(
                    "Shard {} cannot be opened: its checkpoint is unreadable ({}). It stays unowned until "
                            + "its checkpoint keys ({}*) are repaired or deleted",
                    shard.index(),
                    e.getMessage(),
                    shard.keys().checkpoint());
            giveUp(shard);
        } catch (JedisException e) {
            calls.failed("checkpoint load", e);
            giveUp(shard);
        } catch (RuntimeException e) {
            LOG.error("Opening shard {} failed", shard.index(), e);
            giveUp(shard);
        }
    }

    private void giveUp(Shard shard) {
        shard.lost("it could not be opened");
        shard.drop();
        table.remove(shard);
        try {
            shard.release();
        } catch (JedisException e) {
            LOG.debug("Could not release shard {} after a failed open", shard.index(), e);
        }
    }

    /** Closes the shard on the opener thread, unless someone already did or asked to. */
    void submitClose(Shard shard) {
        if (!shard.claimClose()) {
            return;
        }
        try {
            thread.execute(() -> close(shard));
        } catch (RejectedExecutionException e) {
            // stopping: stop() closes every held shard itself
        }
    }

    /**
     * Closes a shard: no more takes; then, when it is still ours, a last checkpoint and the lease handed back;
     * then its partition is forgotten. A failed last checkpoint loses nothing: what it would have trimmed stays
     * in the list, for the next owner to apply after loading the previous checkpoint.
     */
    void close(Shard shard) {
        if (shard.state() == Shard.State.CLOSED) {
            return;
        }
        shard.stopTaking();
        table.changed();
        String lost = shard.lostReason();
        if (lost != null && shard.isStale()) {
            try {
                shard.release();
            } catch (JedisException e) {
                LOG.debug("Could not release stale shard {}; its lease runs out by itself", shard.index(), e);
            }
        }
        if (lost == null) {
            try {
                shard.checkpoint(true);
                shard.release();
            } catch (JedisException e) {
                calls.failed(e);
                LOG.warn(
                        "Shard {}: last checkpoint or release failed ({}); its next owner re-applies what "
                                + "followed its previous checkpoint",
                        shard.index(),
                        e.getMessage());
            }
        }
        int series = shard.drop();
        table.remove(shard);
        owned.labels(Integer.toString(shard.index())).set(0);
        if (lost == null) {
            LOG.info("Released shard {} ({} series handed over through its checkpoint)", shard.index(), series);
        } else {
            LOG.warn("Lost shard {}: {}; its {} series are no longer exposed here", shard.index(), lost, series);
            lookAgain.run(); // it may be free again: look at once rather than a third of a lease later
        }
    }
}
