package io.promstream.ingest;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisException;

/** Polls the queue's length on a schedule for the pending-size gauge, the backlog check and the status page. */
public final class QueueMonitor implements Runnable {
    /** Marks a length that is not known (never polled, or the last poll failed). */
    public static final long UNKNOWN = -1;

    private final JedisPool pool;
    private final RedisQueue queue;
    private final RedisOutage outage;
    private final Gauge.Child pending;
    private final Counter.Child errors;
    private volatile long length = UNKNOWN;
    private volatile String lastError = "not polled yet";

    public QueueMonitor(JedisPool pool, RedisQueue queue, RedisOutage outage,
            Gauge.Child pending, Counter.Child errors) {
        this.pool = pool;
        this.queue = queue;
        this.outage = outage;
        this.pending = pending;
        this.errors = errors;
    }

    /** Polls once; never throws, so a scheduled executor keeps running it. */
    @Override
    public void run() {
        try (Jedis jedis = pool.getResource()) {
            long llen = queue.length(jedis);
            pending.set(llen);
            length = llen;
            lastError = null;
            outage.succeeded();
        } catch (JedisException e) {
            errors.inc();
            length = UNKNOWN;
            lastError = e.getMessage();
            outage.failed("llen", e);
        } catch (RuntimeException e) {
            length = UNKNOWN;
            lastError = e.toString();
        }
    }

    /** The length at the last poll, or {@link #UNKNOWN}. */
    public long length() {
        return length;
    }


    /** Why the last poll failed, or {@code null}. */
    public String lastError() {
        return lastError;
    }
}
