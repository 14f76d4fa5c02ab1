package io.promstream.queue.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.queue.JedisPushRedis;
import io.promstream.queue.JedisShardRedis;
import io.promstream.queue.PushRedis;
import io.promstream.queue.ShardKeys;
import io.promstream.queue.ShardRedis;
import io.promstream.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * The simulation's model of Redis is trusted only as far as it is checked: random sequences of every call of
 * {@link ShardRedis}, with senders' pushes among them, run against the model and against a real redis-server
 * running the gateway's own scripts ({@link JedisShardRedis}), and every reply must be the same. Histories differ
 * by nature (a real replication id, a made-up one), so each side is handed its own, or a wrong one, alike.
 */
class RedisModelDifferentialTest {
    private static final int SEQUENCES = 60;
    private static final int CALLS = 250;
    private static final String[] TOKENS = {"gw-a:1", "gw-b:2"};

    @Test
    void theModelAnswersEveryCallAsRedisDoes() {
        ShardKeys keys = ShardKeys.of("diff:queue", 0, 1);
        sequences(SEQUENCES, 1, (random, model, client, seed) -> run(random, model, client, keys, seed));
    }

    @Test
    void theModelAnswersEveryPushWritersCallAsRedisDoes() {
        sequences(SEQUENCES / 3, 3, (random, model, client, seed) -> runPushes(random, model, client, 3, seed));
    }

    /** One random sequence of calls, run against a fresh model and an emptied redis-server. */
    private interface Sequence {
        void run(Random random, RedisModel model, RedisClient client, long seed);
    }

    /** Runs {@code count} sequences from seed {@code diff.seed} (or the default) against one redis-server. */
    private static void sequences(int count, int shards, Sequence sequence) {
        try (RedisServer server = new RedisServer().start();
                RedisClient client = RedisClient.builder()
                        .hostAndPort(new HostAndPort("127.0.0.1", server.port()))
                        .clientConfig(DefaultJedisClientConfig.builder().build())
                        .build()) {
            long seed = Long.getLong("diff.seed", 20261203L);
            for (int i = 0; i < count; i++) {
                try (Jedis jedis = server.client()) {
                    jedis.flushAll();
                }
                sequence.run(new Random(seed + i), new RedisModel(shards, () -> 0L), client, seed + i);
            }
        }
    }

    /**
     * Random calls of the push writer: pushes of a few ids (so markers and decisions meet again), stagings, decisions,
     * publications, discards, forgetting, and the sweep's look-up with an age that takes every staged copy or none
     * (the model's clock and the server's differ).
     */
    private static void runPushes(Random random, RedisModel model, RedisClient client, int shards, long seed) {
        PushRedis modelPushes = model.pushes();
        PushRedis real = new JedisPushRedis(client, "diff:push", shards);
        for (int call = 0; call < CALLS; call++) {
            int shard = random.nextInt(shards);
            String id = "p" + random.nextInt(6);
            String member = random.nextInt(shards) + "/" + id;
            byte[] element = ("e" + call).getBytes(StandardCharsets.UTF_8);
            long ttl = 600_000;
            String what = "seed " + seed + " call " + call;
            switch (random.nextInt(8)) {
                case 0 ->
                    assertThat(modelPushes.pushOnce(shard, id, ttl, element))
                            .as(what + " pushOnce")
                            .isEqualTo(real.pushOnce(shard, id, ttl, element));
                case 1 ->
                    assertThat(modelPushes.landedOnce(shard, id, ttl))
                            .as(what + " landedOnce")
                            .isEqualTo(real.landedOnce(shard, id, ttl));
                case 2 -> {
                    modelPushes.stage(shard, member, element);
                    real.stage(shard, member, element);
                }
                case 3 -> {
                    String decision = random.nextBoolean() ? "commit" : "abort";
                    assertThat(modelPushes.decide(shard, id, decision, ttl))
                            .as(what + " decide")
                            .isEqualTo(real.decide(shard, id, decision, ttl));
                }
                case 4 ->
                    assertThat(modelPushes.publish(shard, member))
                            .as(what + " publish")
                            .isEqualTo(real.publish(shard, member));
                case 5 -> {
                    modelPushes.discard(shard, member);
                    real.discard(shard, member);
                }
                case 6 -> {
                    long age = random.nextBoolean() ? 0 : 1_000_000_000L;
                    int max = 1 + random.nextInt(4);
                    List<String> m = modelPushes.stagedBefore(shard, age, max);
                    List<String> r = real.stagedBefore(shard, age, max);
                    assertThat(m).as(what + " stagedBefore").hasSameSizeAs(r);
                    if (r.size() < max) { // all of them: the same members, whatever their times
                        assertThat(new TreeSet<>(m)).as(what + " stagedBefore").isEqualTo(new TreeSet<>(r));
                    }
                }
                default -> {
                    modelPushes.forget(shard, id);
                    real.forget(shard, id);
                }
            }
            for (int s = 0; s < shards; s++) {
                ShardKeys keys = ShardKeys.of("diff:push", s, shards);
                List<String> realList = strings(client.lrange(keys.list().getBytes(StandardCharsets.UTF_8), 0, -1));
                Collections.reverse(realList);
                assertThat(strings(model.elements(s)))
                        .as(what + " list of shard " + s)
                        .isEqualTo(realList);
                assertThat(model.staged(s))
                        .as(what + " staged on shard " + s)
                        .isEqualTo(new TreeSet<>(client.hkeys(keys.staged())));
            }
        }
    }

    private static void run(Random random, RedisModel model, RedisClient client, ShardKeys keys, long seed) {
        ShardRedis modelShard = model.shard(0);
        ShardRedis real = new JedisShardRedis(client, keys);
        byte[][] modelHistory = new byte[TOKENS.length][];
        byte[][] realHistory = new byte[TOKENS.length][];
        List<String> parts = new ArrayList<>();
        int element = 0;
        for (int call = 0; call < CALLS; call++) {
            int t = random.nextInt(TOKENS.length);
            byte[] token = TOKENS[t].getBytes(StandardCharsets.UTF_8);
            boolean wrongHistory = random.nextInt(8) == 0;
            byte[] mh = wrongHistory || modelHistory[t] == null
                    ? "wrong".getBytes(StandardCharsets.UTF_8)
                    : modelHistory[t];
            byte[] rh =
                    wrongHistory || realHistory[t] == null ? "wrong".getBytes(StandardCharsets.UTF_8) : realHistory[t];
            long trimmed = real.trimmed() + (random.nextInt(6) == 0 ? random.nextInt(3) - 1 : 0);
            String what = "seed " + seed + " call " + call;
            switch (random.nextInt(12)) {
                case 0, 1 -> {
                    int n = 1 + random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        byte[] e = ("e" + element++).getBytes(StandardCharsets.UTF_8);
                        model.lpush(0, e);
                        client.lpush(keys.list().getBytes(StandardCharsets.UTF_8), e);
                    }
                }
                case 2 -> {
                    ShardRedis.Acquired m = modelShard.acquire(token, 600_000);
                    ShardRedis.Acquired r = real.acquire(token, 600_000);
                    assertThat(m.held()).as(what + " acquire").isEqualTo(r.held());
                    assertThat(m.waitMillis() > 0).as(what + " acquire's wait").isEqualTo(r.waitMillis() > 0);
                    if (m.held()) {
                        modelHistory[t] = m.history();
                        realHistory[t] = r.history();
                    }
                }
                case 3 ->
                    assertThat(modelShard.renew(token, 600_000, mh))
                            .as(what + " renew")
                            .isEqualTo(real.renew(token, 600_000, rh));
                case 4 -> {
                    if (random.nextInt(4) == 0) {
                        modelShard.release(token);
                        real.release(token);
                    }
                }
                case 5, 6 -> {
                    long from = random.nextInt(12);
                    int count = 1 + random.nextInt(6);
                    ShardRedis.Fenced m = modelShard.read(token, trimmed, mh, from, count);
                    ShardRedis.Fenced r = real.read(token, trimmed, rh, from, count);
                    assertThat(m.length()).as(what + " read's fence").isEqualTo(r.length());
                    assertThat(strings(m.items())).as(what + " read's elements").isEqualTo(strings(r.items()));
                }
                case 7 -> {
                    String name = keys.part(TOKENS[t], call);
                    byte[] bytes = ("part" + call).getBytes(StandardCharsets.UTF_8);
                    boolean m = modelShard.writePart(token, name, bytes);
                    assertThat(m).as(what + " writePart").isEqualTo(real.writePart(token, name, bytes));
                    if (m) {
                        parts.add(name);
                    }
                }
                case 8 -> {
                    List<String> written = pick(random, new ArrayList<>(real.pendingParts()));
                    boolean full = random.nextInt(3) == 0;
                    List<String> replaced = full ? real.committedParts() : List.of();
                    long cut = random.nextInt((int) Math.min(8, real.length() + 2));
                    ShardRedis.Committed m = modelShard.commit(token, mh, trimmed, cut, full, written, replaced);
                    ShardRedis.Committed r = real.commit(token, rh, trimmed, cut, full, written, replaced);
                    assertThat(m.code()).as(what + " commit").isEqualTo(r.code());
                    if (m.code() == ShardRedis.Committed.DONE || m.code() == ShardRedis.Committed.TRIMMED_ELSEWHERE) {
                        assertThat(m.trimmed())
                                .as(what + " commit's trimmed count")
                                .isEqualTo(r.trimmed());
                    }
                }
                case 9 -> {
                    List<String> names = pick(random, new ArrayList<>(parts));
                    assertThat(strings(modelShard.partBytes(names)))
                            .as(what + " partBytes")
                            .isEqualTo(strings(names.isEmpty() ? List.of() : real.partBytes(names)));
                }
                case 10 -> {
                    if (random.nextInt(3) == 0) {
                        List<String> names = pick(random, new ArrayList<>(real.pendingParts()));
                        modelShard.cleanPending(token, names);
                        real.cleanPending(token, names);
                    }
                }
                default -> {}
            }
            assertThat(modelShard.length()).as(what + " length").isEqualTo(real.length());
            assertThat(modelShard.trimmed()).as(what + " trimmed").isEqualTo(real.trimmed());
            assertThat(modelShard.committedParts())
                    .as(what + " committed parts")
                    .isEqualTo(real.committedParts());
            assertThat(modelShard.pendingParts())
                    .as(what + " pending parts")
                    .containsExactlyInAnyOrderElementsOf(real.pendingParts());
        }
    }

    private static List<String> pick(Random random, List<String> from) {
        List<String> out = new ArrayList<>();
        for (String s : from) {
            if (random.nextBoolean()) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<String> strings(List<byte[]> bytes) {
        Function<byte[], String> text = b -> b == null ? null : new String(b, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        bytes.forEach(b -> out.add(text.apply(b)));
        return out;
    }
}
