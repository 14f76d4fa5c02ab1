package io.promstream.queue;

import io.promstream.store.MetricStore;
import java.util.function.LongSupplier;
import redis.clients.jedis.UnifiedJedis;

/** Builds the tenure of one shard on this gateway: its lease, reader and checkpoints over Redis, fed to the store. */
public final class ShardFactory {
    private final UnifiedJedis redis;
    private final ShardSettings settings;
    private final MetricStore store;
    private final VersionSequence sequence;
    private final Runnable nudge;
    private final LongSupplier nanos;

    /**
     * @param nudge asks the checkpointer for a checkpoint now
     * @param nanos the clock of leases
     */
    public ShardFactory(
            UnifiedJedis redis,
            ShardSettings settings,
            MetricStore store,
            VersionSequence sequence,
            Runnable nudge,
            LongSupplier nanos) {
        this.redis = redis;
        this.settings = settings;
        this.store = store;
        this.sequence = sequence;
        this.nudge = nudge;
        this.nanos = nanos;
    }

    /** A new tenure of shard {@code index} for lease token {@code token}, not yet acquired. */
    Shard create(int index, String token) {
        ShardKeys keys = settings.keys(index);
        ShardRedis shardRedis = new JedisShardRedis(redis, keys);
        Lease lease = new Lease(shardRedis, token, settings.leaseTtlMillis(), nanos);
        return new Shard(keys, lease, shardRedis, store, sequence, settings.popCount(), nudge);
    }
}
