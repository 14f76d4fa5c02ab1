package io.promstream.ingest;

import io.prometheus.client.Gauge;
import io.promstream.queue.RedisCalls;
import io.promstream.queue.Shard;
import io.promstream.queue.ShardKeys;
import io.promstream.queue.ShardTable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Polls the queue's length on a schedule for the pending-size gauge, the backlog check and the status page: the
 * elements not yet taken on every shard (what was read here and awaits its checkpoint's trim is not pending).
 */
public final class QueueMonitor implements Runnable {
    /** Marks a length that is not known (never polled, or the last poll failed). */
    public static final long UNKNOWN = -1;

    private final UnifiedJedis redis;
    private final String queueKey;
    private final ShardTable table;
    private final Gauge.Child pending;
    private final RedisCalls calls;
    private volatile long length = UNKNOWN;
    private volatile long[] lengths = new long[0];
    private volatile String lastError = "not polled yet";

    public QueueMonitor(UnifiedJedis redis, String queueKey, ShardTable table, Gauge.Child pending, RedisCalls calls) {
        this.redis = redis;
        this.queueKey = queueKey;
        this.table = table;
        this.pending = pending;
        this.calls = calls;
    }

    /** Polls once; never throws, so a scheduled executor keeps running it. */
    @Override
    public void run() {
        long mark = calls.start();
        try {
            long total = 0;
            long[] each = new long[table.count()];
            for (int i = 0; i < table.count(); i++) {
                long llen = redis.llen(ShardKeys.of(queueKey, i, table.count()).list());
                Shard held = table.held(i);
                if (held != null && held.state() == Shard.State.OPEN) {
                    llen -= held.uncovered();
                }
                each[i] = Math.max(0, llen);
                total += each[i];
            }
            pending.set(total);
            length = total;
            lengths = each;
            lastError = null;
            calls.answered(mark);
        } catch (JedisException e) {
            length = UNKNOWN;
            lengths = new long[0];
            lastError = e.getMessage();
            calls.failed(e);
        } catch (RuntimeException e) {
            length = UNKNOWN;
            lengths = new long[0];
            lastError = e.toString();
        }
    }

    /** The elements not yet taken at the last poll, or {@link #UNKNOWN}. */
    public long length() {
        return length;
    }

    /** The elements not yet taken on each shard at the last poll, by shard; empty when not known. */
    public long[] lengths() {
        return lengths.clone();
    }

    /** Why the last poll failed, or {@code null}. */
    public String lastError() {
        return lastError;
    }
}
