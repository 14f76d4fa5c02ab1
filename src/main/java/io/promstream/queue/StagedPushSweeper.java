package io.promstream.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Finishes, on each shard this gateway holds, the copies of split HTTP pushes that a gateway staged and did not
 * publish or discard (killed mid-push, or a master unreachable): {@link QueueWriter#settle}. Scheduled; never
 * throws.
 */
public final class StagedPushSweeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StagedPushSweeper.class);
    /** Staged copies settled per shard in one run. */
    private static final int BATCH = 100;

    private final QueueWriter writer;
    private final ShardTable table;
    private final RedisCalls calls;

    public StagedPushSweeper(QueueWriter writer, ShardTable table, RedisCalls calls) {
        this.writer = writer;
        this.table = table;
        this.calls = calls;
    }

    @Override
    public void run() {
        for (Shard shard : table.open()) {
            try {
                if (writer.settle(shard.index(), BATCH) > 0) {
                    shard.wake();
                }
            } catch (JedisException e) {
                calls.failed(e);
            } catch (RuntimeException e) {
                LOG.error("Settling the staged pushes of shard {} failed", shard.index(), e);
            }
        }
    }
}
