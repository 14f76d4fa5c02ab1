package io.promstream.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * This gateway's heartbeat ({@link Scripts#HEARTBEAT}): announces the gateway for a lease's time and reads back the
 * gateways heard from, sorted by id, this one included; withdrawn when the gateway stops.
 */
final class Heartbeat {
    /** Logs as the coordinator it is part of. */
    private static final Logger LOG = LoggerFactory.getLogger(ShardCoordinator.class);

    private final UnifiedJedis redis;
    private final String queueKey;
    private final int shards;
    private final long ttlMillis;
    private final String gatewayId;
    private final byte[] membersKey;
    private volatile List<String> live = List.of();

    Heartbeat(UnifiedJedis redis, ShardSettings settings, String gatewayId) {
        this.redis = redis;
        this.queueKey = settings.queueKey();
        this.shards = settings.shards();
        this.ttlMillis = settings.leaseTtlMillis();
        this.gatewayId = gatewayId;
        this.membersKey = ShardKeys.bytes(ShardKeys.members(queueKey));
    }

    /** The gateways heard from at the last beat (ids, sorted), this one included. */
    List<String> live() {
        return live;
    }

    /** Announces this gateway and reads the gateways heard from; true (Redis answered). */
    boolean beat() {
        Object reply = Scripts.HEARTBEAT.run(
                redis,
                List.of(membersKey),
                List.of(ShardKeys.bytes(gatewayId), ShardKeys.bytes(Long.toString(ttlMillis))));
        List<String> ids = new ArrayList<>();
        for (Object id : (List<?>) reply) {
            ids.add(new String((byte[]) id, StandardCharsets.UTF_8));
        }
        if (!ids.contains(gatewayId)) {
            ids.add(gatewayId);
        }
        ids.sort(null);
        if (!ids.equals(live)) {
            LOG.info("{} gateway(s) share {} shard(s) of {}: {}", ids.size(), shards, queueKey, ids);
        }
        live = List.copyOf(ids);
        return true;
    }

    /** Takes this gateway off the list of those heard from (a Redis error is only logged). */
    void withdraw() {
        try {
            redis.zrem(membersKey, ShardKeys.bytes(gatewayId));
        } catch (JedisException e) {
            LOG.debug("Could not withdraw heartbeat", e);
        }
    }
}
