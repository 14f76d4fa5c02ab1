package io.promstream.queue;

import io.prometheus.client.Counter;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Finishes, on each shard this gateway holds, the copies of split HTTP pushes that a gateway staged and did not
 * publish or discard (killed mid-push, or a master unreachable): {@link QueueWriter#settle}. Scheduled; never
 * throws.
 */
public final class StagedPushSweeper implements Runnable {
    /** Staged copies settled per shard in one run. */
    private static final int BATCH = 100;

    private final QueueWriter writer;
    private final ShardTable table;
    private final RedisOutage outage;
    private final Counter.Child errors;

    public StagedPushSweeper(QueueWriter writer, ShardTable table, RedisOutage outage, Counter.Child errors) {
        this.writer = writer;
        this.table = table;
        this.outage = outage;
        this.errors = errors;
    }

    @Override
    public void run() {
        for (Shard shard : table.open()) {
            try {
                if (writer.settle(shard.index(), BATCH) > 0) {
                    shard.wake();
                }
            } catch (JedisException e) {
                errors.inc();
                outage.failed("staged push sweep", e);
            } catch (RuntimeException e) {
                errors.inc();
            }
        }
    }
}
