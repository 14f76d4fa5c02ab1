package io.promstream.ingest;

import io.prometheus.client.Counter;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One worker: take a batch, apply it, repeat. Blocks on the list when it is empty (no polling sleeps). On a
 * Redis error it drops its connection, backs off and reconnects by itself; nothing short of {@link #stop()}
 * ends the loop. A batch once taken is always applied in full before the worker looks at the stop flag.
 */
public final class QueueWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);

    /** What a worker is doing, for health checks and the status page. */
    public enum State { STARTING, TAKING, APPLYING, BACKING_OFF, STOPPED }

    private final String id;
    private final JedisPool pool;
    private final RedisQueue queue;
    private final ElementProcessor processor;
    private final InstantSource clock;
    private final Backoff backoff;
    private final RedisOutage outage;
    private final Counter.Child processed;
    private final Counter.Child emptyPops;
    private final Counter.Child popErrors;
    private final QueueBatch batch = new QueueBatch();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final String source;
    private volatile boolean stopping;
    private final RedisQueue.Stoppable stopCheck = () -> stopping;
    private volatile State state = State.STARTING;
    private volatile long lastBeatMillis;

    public QueueWorker(String id, JedisPool pool, RedisQueue queue, ElementProcessor processor, InstantSource clock,
            Backoff backoff, RedisOutage outage, Counter.Child processed, Counter.Child emptyPops,
            Counter.Child popErrors) {
        this.id = id;
        this.pool = pool;
        this.queue = queue;
        this.processor = processor;
        this.clock = clock;
        this.backoff = backoff;
        this.outage = outage;
        this.processed = processed;
        this.emptyPops = emptyPops;
        this.popErrors = popErrors;
        this.source = "redis " + queue.key();
        this.lastBeatMillis = clock.millis();
    }

    @Override
    public void run() {
        Jedis jedis = null;
        try {
            while (!stopping) {
                lastBeatMillis = clock.millis();
                try {
                    if (jedis == null) {
                        jedis = pool.getResource();
                    }
                    state = State.TAKING;
                    RedisQueue.Took took = queue.take(jedis, batch, stopCheck);
                    outage.succeeded();
                    backoff.reset();
                    if (took == RedisQueue.Took.EMPTY) {
                        emptyPops.inc();
                    }
                    if (batch.size() > 0) {
                        applyBatch();
                    }
                } catch (JedisException e) {
                    popErrors.inc();
                    outage.failed("pop", e);
                    closeQuietly(jedis);
                    jedis = null;
                    if (pause()) {
                        break;
                    }
                } catch (RuntimeException e) { // a bug: never let it end the worker
                    LOG.error("Worker {} hit an unexpected error; carrying on after a pause", id, e);
                    closeQuietly(jedis);
                    jedis = null;
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
            closeQuietly(jedis);
            state = State.STOPPED;
            finished.countDown();
        }
    }

    /** Waits out the backoff; true when asked to stop meanwhile. */
    private boolean pause() throws InterruptedException {
        state = State.BACKING_OFF;
        return stopSignal.await(backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    private void applyBatch() {
        state = State.APPLYING;
        long now = clock.millis();
        int applied = 0;
        try {
            for (int i = 0; i < batch.size(); i++) {
                applied += processor.process(batch.element(i), batch.version(i), now, source);
            }
        } finally {
            processed.inc(applied);
            queue.complete(batch);
        }
    }

    private static void closeQuietly(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // a broken connection is discarded by the pool either way
            }
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
