package io.promstream.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** {@link ShardRedis} over Jedis: the scripts of {@link Scripts} and plain commands on one shard's keys. */
public final class JedisShardRedis implements ShardRedis {
    private final UnifiedJedis redis;
    private final ShardKeys keys;
    private final byte[] list;
    private final byte[] lease;
    private final byte[] trimmedKey;
    private final byte[] checkpoint;
    private final byte[] pending;
    private final byte[] history;
    private final byte[] exposeAfter;

    public JedisShardRedis(UnifiedJedis redis, ShardKeys keys) {
        this.redis = redis;
        this.keys = keys;
        this.list = ShardKeys.bytes(keys.list());
        this.lease = ShardKeys.bytes(keys.lease());
        this.trimmedKey = ShardKeys.bytes(keys.trimmed());
        this.checkpoint = ShardKeys.bytes(keys.checkpoint());
        this.pending = ShardKeys.bytes(keys.pending());
        this.history = ShardKeys.bytes(keys.history());
        this.exposeAfter = ShardKeys.bytes(keys.exposeAfter());
    }

    @Override
    public Acquired acquire(byte[] token, long ttlMillis) {
        List<?> held = (List<?>) Scripts.ACQUIRE.run(
                redis,
                List.of(lease, history, list, trimmedKey, checkpoint, exposeAfter),
                List.of(token, number(ttlMillis)));
        return Long.valueOf(1).equals(held.get(0))
                ? new Acquired(true, (byte[]) held.get(1), (Long) held.get(2))
                : new Acquired(false, null, 0);
    }

    @Override
    public Renewal renew(byte[] token, long ttlMillis, byte[] history) {
        Object reply = Scripts.RENEW.run(redis, List.of(lease), List.of(token, number(ttlMillis), history));
        long code = (Long) reply;
        return code == 1 ? Renewal.RENEWED : code == -1 ? Renewal.MOVED : Renewal.LOST;
    }

    @Override
    public void release(byte[] token) {
        Scripts.RELEASE.run(redis, List.of(lease), List.of(token));
    }

    @Override
    public Fenced read(byte[] token, long trimmed, byte[] history, long fromTail, int count) {
        List<byte[]> fenceKeys = List.of(list, lease, trimmedKey);
        List<byte[]> fenceArgs = List.of(token, number(trimmed), history);
        for (int attempt = 0; ; attempt++) {
            Response<Object> fence;
            Response<List<byte[]>> items;
            try (AbstractPipeline pipeline = redis.pipelined()) {
                fence = Scripts.TAKE_FENCE.queue(pipeline, fenceKeys, fenceArgs, attempt > 0);
                items = pipeline.lrange(list, -(fromTail + count), -(fromTail + 1));
                pipeline.sync();
            }
            try {
                return new Fenced((Long) fence.get(), new ArrayList<>(items.get()));
            } catch (IllegalStateException e) {
                // a cluster pipeline whose connection broke leaves its replies unset (Jedis logs the cause)
                throw new JedisConnectionException("the take's pipeline to " + keys + " broke", e);
            } catch (JedisNoScriptException e) {
                if (attempt > 0) {
                    throw e;
                }
                // a server that does not know the script yet (a restart, a failover): send it whole, read again
            }
        }
    }

    @Override
    public boolean writePart(byte[] token, String name, byte[] bytes) {
        Object ok =
                Scripts.WRITE_PART.run(redis, List.of(lease, pending, ShardKeys.bytes(name)), List.of(token, bytes));
        return Long.valueOf(1).equals(ok);
    }

    @Override
    public Committed commit(
            byte[] token,
            byte[] history,
            long trimmed,
            long cut,
            boolean full,
            List<String> written,
            List<String> replaced) {
        List<byte[]> keyList = new ArrayList<>();
        keyList.add(list);
        keyList.add(lease);
        keyList.add(trimmedKey);
        keyList.add(checkpoint);
        keyList.add(pending);
        written.forEach(name -> keyList.add(ShardKeys.bytes(name)));
        if (full) {
            replaced.forEach(name -> keyList.add(ShardKeys.bytes(name)));
        }
        List<?> answer = (List<?>) Scripts.COMMIT.run(
                redis,
                keyList,
                List.of(token, number(cut), number(trimmed), number(full ? 1 : 0), number(written.size()), history));
        int code = ((Long) answer.get(0)).intValue();
        return new Committed(code, answer.size() > 1 ? (Long) answer.get(1) : -1);
    }

    @Override
    public long trimmed() {
        byte[] value = redis.get(trimmedKey);
        return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    }

    @Override
    public List<String> committedParts() {
        List<String> names = new ArrayList<>();
        for (byte[] name : redis.lrange(checkpoint, 0, -1)) {
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        return names;
    }

    @Override
    public List<byte[]> partBytes(List<String> names) {
        return redis.mget(names.stream().map(ShardKeys::bytes).toArray(byte[][]::new));
    }

    @Override
    public Set<String> pendingParts() {
        Set<String> names = new HashSet<>();
        Set<byte[]> members = redis.smembers(pending);
        if (members != null) {
            members.forEach(name -> names.add(new String(name, StandardCharsets.UTF_8)));
        }
        return names;
    }

    @Override
    public void cleanPending(byte[] token, List<String> uncommitted) {
        List<byte[]> keysToDelete = new ArrayList<>();
        keysToDelete.add(lease);
        keysToDelete.add(pending);
        uncommitted.forEach(name -> keysToDelete.add(ShardKeys.bytes(name)));
        Scripts.CLEAN_PENDING.run(redis, keysToDelete, List.of(token));
    }

    @Override
    public long length() {
        return redis.llen(list);
    }

    @Override
    public void awaitElements(double seconds) {
        redis.blmove(list, list, ListDirection.RIGHT, ListDirection.RIGHT, seconds);
    }

    private static byte[] number(long n) {
        return ShardKeys.bytes(Long.toString(n));
    }
}
