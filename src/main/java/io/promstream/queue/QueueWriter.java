package io.promstream.queue;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Puts an element onto a shard for the gateway that holds it, once: the push carries an id, and a marker kept
 * for {@code markerTtlMillis} on the shard's slot makes a push that is sent again (a client retry after a lost
 * reply) a no-op ({@link Scripts#PUSH_ONCE}).
 */
public final class QueueWriter {
    private final UnifiedJedis redis;
    private final String queueKey;
    private final int shards;
    private final byte[] markerTtl;

    public QueueWriter(UnifiedJedis redis, String queueKey, int shards, long markerTtlMillis) {
        this.redis = redis;
        this.queueKey = queueKey;
        this.shards = shards;
        this.markerTtl = ShardKeys.bytes(Long.toString(markerTtlMillis));
    }

    public int shards() {
        return shards;
    }

    /** Pushes {@code element} onto shard {@code shard} unless push {@code id} was pushed there already. */
    public void push(int shard, String id, byte[] element) {
        ShardKeys keys = ShardKeys.of(queueKey, shard, shards);
        Scripts.PUSH_ONCE.run(redis, List.of(ShardKeys.bytes(keys.list()), ShardKeys.bytes(keys.pushMarker(id))),
                List.of(markerTtl, element));
    }
}
