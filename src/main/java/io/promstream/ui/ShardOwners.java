package io.promstream.ui;

import io.promstream.queue.ShardKeys;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Who holds each shard, read from the leases in Redis when the console asks (two reads a shard): the gateway id
 * (a lease's token is the holder's id, a colon and a random part) and how long the lease has left.
 */
public final class ShardOwners {
    private final UnifiedJedis redis;
    private final String queueKey;
    private final int shards;

    public ShardOwners(UnifiedJedis redis, String queueKey, int shards) {
        this.redis = redis;
        this.queueKey = queueKey;
        this.shards = shards;
    }

    /** A shard's holder ({@code null}: none) and its lease's time left in milliseconds (-1: none or unknown). */
    public record Owner(int shard, String list, String gateway, long leaseMillisLeft) {}

    /** Every shard's owner; throws {@link JedisException} when Redis cannot say. */
    public List<Owner> read() {
        List<Owner> out = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            ShardKeys keys = ShardKeys.of(queueKey, i, shards);
            String token = redis.get(keys.lease());
            long left = token == null ? -1 : redis.pttl(keys.lease());
            out.add(new Owner(i, keys.list(), gatewayOf(token), left));
        }
        return out;
    }

    static String gatewayOf(String token) {
        if (token == null) {
            return null;
        }
        int colon = token.lastIndexOf(':');
        return colon < 0 ? token : token.substring(0, colon);
    }
}
