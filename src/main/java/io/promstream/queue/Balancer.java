package io.promstream.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Moves what this gateway holds toward its share ({@link ShardCoordinator#share}) of the gateways heard from: hands
 * the extra shards back, acquires free ones up to the share, and takes a shard nobody has held for two rounds
 * whatever its share. Holds those rounds per shard.
 */
final class Balancer {
    /** Logs as the coordinator it is part of. */
    private static final Logger LOG = LoggerFactory.getLogger(ShardCoordinator.class);

    private final UnifiedJedis redis;
    private final String queueKey;
    private final int shards;
    private final ShardFactory factory;
    private final ShardTable table;
    private final String gatewayId;
    private final Heartbeat heartbeat;
    private final ShardOpener opener;
    private final int[] unownedRounds;

    Balancer(
            UnifiedJedis redis,
            ShardSettings settings,
            ShardFactory factory,
            ShardTable table,
            String gatewayId,
            Heartbeat heartbeat,
            ShardOpener opener) {
        this.redis = redis;
        this.queueKey = settings.queueKey();
        this.shards = settings.shards();
        this.factory = factory;
        this.table = table;
        this.gatewayId = gatewayId;
        this.heartbeat = heartbeat;
        this.opener = opener;
        this.unownedRounds = new int[shards];
    }

    /** Hands back or acquires shards toward this gateway's share; whether it asked Redis anything. */
    boolean balance() {
        int target = ShardCoordinator.share(shards, heartbeat.live(), gatewayId);
        List<Shard> held = new ArrayList<>();
        for (Shard s : table.held()) {
            if (s.state() == Shard.State.OPEN || s.state() == Shard.State.OPENING) {
                held.add(s);
            }
        }
        if (held.size() > target) {
            held.sort((a, b) -> Integer.compare(b.index(), a.index()));
            for (Shard extra : held.subList(0, held.size() - target)) {
                LOG.info(
                        "Handing shard {} back: {} gateway(s) live, this one's share is {}",
                        extra.index(),
                        heartbeat.live().size(),
                        target);
                opener.submitClose(extra);
            }
            return false;
        }
        int count = held.size();
        int start = Math.floorMod(gatewayId.hashCode(), shards);
        JedisException failed = null;
        boolean asked = false;
        for (int k = 0; k < shards; k++) {
            int i = (start + k) % shards;
            if (table.held(i) != null) {
                unownedRounds[i] = 0;
                continue;
            }
            ShardKeys keys = ShardKeys.of(queueKey, i, shards);
            asked = true;
            try {
                boolean wanted = count < target;
                if (!wanted) {
                    boolean free = !redis.exists(ShardKeys.bytes(keys.lease()));
                    unownedRounds[i] = free ? unownedRounds[i] + 1 : 0;
                    wanted = unownedRounds[i] >= 2;
                }
                if (wanted && acquire(keys)) {
                    count++;
                    unownedRounds[i] = 0;
                }
            } catch (JedisException e) { // that shard's node: the others are still looked at, then it is thrown
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return asked;
    }

    /** Takes the shard's lease for a new tenure, which the opener then opens; false when another holds it. */
    private boolean acquire(ShardKeys keys) {
        Shard shard = factory.create(keys.shard(), gatewayId + ":" + UUID.randomUUID());
        if (!shard.acquire()) {
            return false;
        }
        table.put(shard);
        opener.submitOpen(shard);
        return true;
    }
}
