package io.promstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * The {@link RedisCluster} harness: a real 3 + 3 cluster serves keys of every shard through a Jedis cluster
 * client, and after the master of one key's slot is killed a replica takes over, with the key, and the same
 * client writes to it again; the killed node comes back as a replica, and takes over in turn when its new
 * master is paused.
 */
class RedisClusterTest {
    private static final int KEYS = 1000;

    @Test
    @SuppressWarnings("deprecation") // JedisCluster, deprecated for RedisClusterClient in Jedis 8
    void servesEveryShardAndSurvivesTheLossOfAMaster() {
        try (RedisCluster cluster = new RedisCluster().start();
                JedisCluster client = cluster.client()) {
            assertThat(cluster.seeds()).hasSize(6).allMatch(seed -> seed.startsWith("127.0.0.1:"));
            List<Integer> masters = cluster.masters();
            assertThat(masters).hasSize(3);
            assertThat(cluster.replicas()).hasSize(3).doesNotContainAnyElementsOf(masters);

            for (int i = 0; i < KEYS; i++) {
                client.set(key(i), "value-" + i);
            }
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.get(key(i))).isEqualTo("value-" + i);
            }
            List<Long> keysPerMaster = new ArrayList<>();
            for (int master : masters) {
                try (Jedis jedis = cluster.nodeClient(master)) {
                    keysPerMaster.add(jedis.dbSize());
                }
            }
            assertThat(keysPerMaster)
                    .as("keys on each master")
                    .allMatch(n -> n > 0)
                    .satisfies(n -> assertThat(
                                    n.stream().mapToLong(Long::longValue).sum())
                            .isEqualTo(KEYS));

            String key = key(7);
            int lost = cluster.masterOf(key);
            assertThat(masters).contains(lost);
            assertThat(cluster.slotOf(key)).isEqualTo(cluster.slotOf("{tag-7}other"));
            try (Jedis jedis = cluster.nodeClient(lost)) {
                // WAIT counts acknowledgements of this connection's writes: write here, so that the replica has
                // everything before it too (a WAIT on a connection that wrote nothing returns at once)
                jedis.set(key, "value-7");
                assertThat(jedis.waitReplicas(1, 5000))
                        .as("replica caught up before the kill")
                        .isEqualTo(1);
            }

            cluster.killMaster(lost);
            int promoted = cluster.awaitFailover(lost);

            assertThat(promoted).isNotEqualTo(lost);
            assertThat(cluster.masterOf(key)).isEqualTo(promoted);
            assertThat(cluster.masters()).hasSize(3).contains(promoted).doesNotContain(lost);
            assertThat(client.get(key)).as("the replica had the key").isEqualTo("value-7");
            client.set(key, "after-failover");
            assertThat(client.get(key)).isEqualTo("after-failover");
            client.incr("{tag-7}counter");
            try (Jedis jedis = cluster.nodeClient(promoted)) {
                assertThat(jedis.get(key)).isEqualTo("after-failover");
                assertThat(jedis.get("{tag-7}counter")).isEqualTo("1");
            }
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.get(key(i))).isEqualTo(i == 7 ? "after-failover" : "value-" + i);
            }

            cluster.restart(lost);
            assertThat(cluster.replicas()).contains(lost);
            assertThat(cluster.masters()).hasSize(3).doesNotContain(lost);
            cluster.awaitHealthy(Duration.ofSeconds(10));

            // a master that stops answering (SIGSTOP) is replaced too, by its one replica: the restarted node
            RedisCluster.Pause pause = cluster.pause(promoted, Duration.ofSeconds(30));
            assertThat(cluster.awaitFailover(promoted)).isEqualTo(lost);
            pause.resume(); // it learns it was replaced and follows its successor
            cluster.awaitHealthy(Duration.ofSeconds(10));
            assertThat(cluster.replicas()).contains(promoted);
            client.set(key, "after-pause"); // MOVED from the old master, followed by the client
            try (Jedis jedis = cluster.nodeClient(lost)) {
                assertThat(jedis.get(key)).isEqualTo("after-pause");
            }
        }
    }

    private static String key(int i) {
        return "{tag-" + i + "}:value";
    }
}
