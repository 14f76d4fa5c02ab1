package io.promstream.ingest;

import io.prometheus.client.Counter;
import io.promstream.queue.Backoff;
import io.promstream.queue.QueueBatch;
import io.promstream.queue.RedisCalls;
import io.promstream.queue.Shard;
import io.promstream.queue.ShardTable;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One worker: take a batch from one of the shards this gateway holds, apply it, repeat. Workers go round the
 * shards from different places, so they spread over them; when none has anything it waits on one (no polling
 * sleeps). On a Redis error it backs off and carries on by itself; nothing short of {@link #stop()} ends the loop.
 * A batch once taken is always applied in full before the worker looks at the stop flag.
 */
public final class QueueWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    /** Longest wait on one shard while others may get elements. */
    private static final double SHARED_WAIT_SECONDS = 0.1;

    /** What a worker is doing, for health checks and the status page. */
    public enum State {
        STARTING,
        WAITING,
        TAKING,
        APPLYING,
        BACKING_OFF,
        STOPPED
    }

    private final String id;
    private final ShardTable table;
    private final ElementProcessor processor;
    private final InstantSource clock;
    private final Backoff backoff;
    private final double blockSeconds;
    private final Counter.Child processed;
    private final Counter.Child emptyPops;
    private final RedisCalls takes;
    private final QueueBatch batch = new QueueBatch();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final String source;
    private volatile boolean stopping;
    private volatile State state = State.STARTING;
    private volatile long lastBeatMillis;
    private int next;

    /**
     * What a worker counts: samples applied, waits on an empty queue, its takes' Redis calls; and the source its
     * rejections name ({@code redis <queueKey>}).
     */
    public record Metrics(Counter.Child processed, Counter.Child emptyPops, RedisCalls takes, String source) {}

    /** @param blockSeconds the longest wait on an idle shard */
    public QueueWorker(
            String id,
            ShardTable table,
            ElementProcessor processor,
            InstantSource clock,
            Backoff backoff,
            double blockSeconds,
            Metrics metrics) {
        this.id = id;
        this.table = table;
        this.processor = processor;
        this.clock = clock;
        this.backoff = backoff;
        this.blockSeconds = blockSeconds;
        this.processed = metrics.processed();
        this.emptyPops = metrics.emptyPops();
        this.takes = metrics.takes();
        this.source = metrics.source();
        this.lastBeatMillis = clock.millis();
        this.next = parseIndex(id);
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                lastBeatMillis = clock.millis();
                try {
                    Shard[] shards = table.open();
                    if (shards.length == 0) {
                        state = State.WAITING;
                        table.awaitChange((long) (blockSeconds * 1000));
                        continue;
                    }
                    state = State.TAKING;
                    long mark = takes.start();
                    Shard from = takeFrom(shards);
                    if (answered) {
                        takes.answered(mark);
                        backoff.reset();
                    }
                    if (from != null) {
                        applyBatch(from);
                    } else if (!stopping) {
                        state = State.WAITING;
                        Shard wait = openShard(shards);
                        if (wait == null) { // all closing: wait for the coordinator
                            table.awaitChange((long) (blockSeconds * 1000));
                            continue;
                        }
                        emptyPops.inc();
                        wait.awaitWork(shards.length == 1 ? blockSeconds : Math.min(blockSeconds, SHARED_WAIT_SECONDS));
                    }
                } catch (JedisException e) {
                    takes.failed(e);
                    if (pause()) {
                        break;
                    }
                } catch (RuntimeException e) { // a bug: never let it end the worker
                    LOG.error("Worker {} hit an unexpected error; carrying on after a pause", id, e);
                    if (pause()) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            LOG.error("Worker {} died", id, e);
            throw e;
        } finally {
            state = State.STOPPED;
            finished.countDown();
        }
    }

    /** Whether the last {@link #takeFrom} had an answer from Redis (not only shards busy or closing). */
    private boolean answered;

    /**
     * Takes a batch from the first shard, going round from this worker's place, that has one; a shard whose take
     * lock is held elsewhere at that moment (a read being reserved or settled, a checkpoint) is skipped, and waited
     * for only when no other shard had anything.
     *
     * @return the shard the batch came from, or {@code null} when none had anything
     */
    private Shard takeFrom(Shard[] shards) {
        answered = false;
        Shard busy = null;
        int n = shards.length;
        for (int k = 0; k < n && !stopping; k++) {
            int at = Math.floorMod(next + k, n);
            Shard shard = shards[at];
            Shard.Took took = shard.take(batch, n == 1);
            answered |= took == Shard.Took.ELEMENTS || took == Shard.Took.EMPTY;
            if (took == Shard.Took.ELEMENTS) {
                next = at + 1;
                return shard;
            }
            if (took == Shard.Took.BUSY) {
                busy = shard;
            }
        }
        if (busy != null && !stopping) {
            Shard.Took took = busy.take(batch, true);
            answered |= took == Shard.Took.ELEMENTS || took == Shard.Took.EMPTY;
            if (took == Shard.Took.ELEMENTS) {
                return busy;
            }
        }
        return null;
    }

    /** The next open shard to wait on, going round; {@code null} when every one is closing. */
    private Shard openShard(Shard[] shards) {
        for (int k = 0; k < shards.length; k++) {
            Shard shard = shards[Math.floorMod(next++, shards.length)];
            if (shard.state() == Shard.State.OPEN) {
                return shard;
            }
        }
        return null;
    }

    /** Waits out the backoff; true when asked to stop meanwhile. */
    private boolean pause() throws InterruptedException {
        state = State.BACKING_OFF;
        return stopSignal.await(backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    private void applyBatch(Shard shard) {
        state = State.APPLYING;
        long now = clock.millis();
        int applied = 0;
        try {
            for (int i = 0; i < batch.size(); i++) {
                applied += processor.process(
                        batch.element(i), batch.version(i), now, source, shard.partition(), table.count());
            }
        } finally {
            processed.inc(applied);
            shard.complete(batch);
        }
    }

    private static int parseIndex(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            return id.hashCode();
        }
    }

    /** Asks the worker to stop after the batch in hand; returns at once. */
    public void stop() {
        stopping = true;
        stopSignal.countDown();
    }

    /** Waits until the loop has ended. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    public String id() {
        return id;
    }

    public State state() {
        return state;
    }

    /** When the loop last began an iteration; a worker whose beat is old is stuck. */
    public long lastBeatMillis() {
        return lastBeatMillis;
    }

    public QueueBatch batch() {
        return batch;
    }
}
