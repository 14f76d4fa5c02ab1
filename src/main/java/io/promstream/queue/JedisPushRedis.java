package io.promstream.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/** {@link PushRedis} over Jedis: the scripts of {@link Scripts} on each shard's keys. */
public final class JedisPushRedis implements PushRedis {
    private static final byte[] PUSHED = {'1'};
    private static final byte[] ABORT = ShardKeys.bytes(QueueWriter.ABORT);

    private final UnifiedJedis redis;
    private final String queueKey;
    private final int shards;

    public JedisPushRedis(UnifiedJedis redis, String queueKey, int shards) {
        this.redis = redis;
        this.queueKey = queueKey;
        this.shards = shards;
    }

    @Override
    public boolean pushOnce(int shard, String id, long markerTtlMillis, byte[] element) {
        ShardKeys keys = keys(shard);
        Object reply = Scripts.PUSH_ONCE.run(
                redis,
                List.of(ShardKeys.bytes(keys.list()), ShardKeys.bytes(keys.pushMarker(id))),
                List.of(number(markerTtlMillis), element));
        return Long.valueOf(1).equals(reply);
    }

    @Override
    public boolean landedOnce(int shard, String id, long markerTtlMillis) {
        Object reply = Scripts.DECIDE.run(
                redis, List.of(ShardKeys.bytes(keys(shard).pushMarker(id))), List.of(ABORT, number(markerTtlMillis)));
        return reply instanceof byte[] bytes && Arrays.equals(bytes, PUSHED);
    }

    @Override
    public void stage(int shard, String member, byte[] copy) {
        ShardKeys keys = keys(shard);
        Scripts.STAGE.run(
                redis,
                List.of(ShardKeys.bytes(keys.staged()), ShardKeys.bytes(keys.stagedAt())),
                List.of(ShardKeys.bytes(member), copy));
    }

    @Override
    public String decide(int decider, String id, String decision, long ttlMillis) {
        Object reply = Scripts.DECIDE.run(
                redis,
                List.of(ShardKeys.bytes(keys(decider).decision(id))),
                List.of(ShardKeys.bytes(decision), number(ttlMillis)));
        return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    @Override
    public boolean publish(int shard, String member) {
        ShardKeys keys = keys(shard);
        Object reply = Scripts.PUBLISH.run(
                redis,
                List.of(ShardKeys.bytes(keys.staged()), ShardKeys.bytes(keys.stagedAt()), ShardKeys.bytes(keys.list())),
                List.of(ShardKeys.bytes(member)));
        return Long.valueOf(1).equals(reply);
    }

    @Override
    public void discard(int shard, String member) {
        ShardKeys keys = keys(shard);
        Scripts.DISCARD.run(
                redis,
                List.of(ShardKeys.bytes(keys.staged()), ShardKeys.bytes(keys.stagedAt())),
                List.of(ShardKeys.bytes(member)));
    }

    @Override
    public List<String> stagedBefore(int shard, long ageMillis, int max) {
        List<?> overdue = (List<?>) Scripts.STAGED_BEFORE.run(
                redis, List.of(ShardKeys.bytes(keys(shard).stagedAt())), List.of(number(ageMillis), number(max)));
        List<String> out = new ArrayList<>(overdue.size());
        for (Object raw : overdue) {
            out.add(new String((byte[]) raw, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void forget(int decider, String id) {
        redis.del(ShardKeys.bytes(keys(decider).decision(id)));
    }

    private ShardKeys keys(int shard) {
        return ShardKeys.of(queueKey, shard, shards);
    }

    private static byte[] number(long value) {
        return ShardKeys.bytes(Long.toString(value));
    }
}
