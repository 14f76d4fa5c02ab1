package io.promstream.queue;

/**
 * How the queue is sharded and its shards held: the queue key, the number of shards, the lease's time and the
 * elements read per round trip.
 */
public record ShardSettings(String queueKey, int shards, long leaseTtlMillis, int popCount) {
    /** The keys of shard {@code shard}. */
    public ShardKeys keys(int shard) {
        return ShardKeys.of(queueKey, shard, shards);
    }
}
