package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.queue.ShardKeys;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisCluster;
import io.promstream.testing.RedisClusterExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisCluster;

/**
 * One master stopped (SIGSTOP: it neither answers nor refuses, so every call to it waits for its timeout) under a
 * gateway with a 2 s lease (issue 19, finding 4): the shards on the healthy masters keep their leases and go on
 * draining; only the stopped master's shards may be lost. The node timeout (10 s) outlasts the stop, so no
 * failover happens.
 */
class StalledMasterIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisClusterExtension CLUSTER =
            new RedisClusterExtension(new RedisCluster(3, 1, Duration.ofSeconds(10)));

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final int SHARDS = 12;
    private static final Pattern LOST = Pattern.compile("Lost shard (\\d+):");

    @TempDir
    Path dir;

    private final List<GatewayProcess> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(GatewayProcess::close);
    }

    @Test
    void renewalsOfShardsOnHealthyMastersDoNotWaitOnAStoppedOne() throws IOException {
        GatewayProcess gateway = GatewayProcess.start(
                dir,
                "stalled",
                Map.of(
                        "redis.clusterNodes",
                        String.join(",", CLUSTER.seeds()),
                        "redis.shards",
                        Integer.toString(SHARDS),
                        "redis.leaseTtl",
                        "2s",
                        "redis.socketTimeout",
                        "1s",
                        "checkpoint.interval",
                        "1s"));
        started.add(gateway);
        GatewayClient client = gateway.client();
        RedisCluster cluster = CLUSTER.cluster();
        int stopped = cluster.masterOf(ShardKeys.of(QUEUE, 0, SHARDS).list());
        List<Integer> healthy = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            if (cluster.masterOf(ShardKeys.of(QUEUE, s, SHARDS).list()) != stopped) {
                healthy.add(s);
            }
        }
        assertThat(healthy).isNotEmpty();
        String before = gateway.log();

        RedisCluster.Pause pause = cluster.pause(stopped, Duration.ofSeconds(30));
        int pushed = 0;
        long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        try (JedisCluster redis = CLUSTER.client()) {
            while (System.nanoTime() < until) { // pushes onto the healthy shards all along
                for (int s : healthy) {
                    redis.lpush(
                            ShardKeys.of(QUEUE, s, SHARDS).list(),
                            "{\"type\":\"counter\",\"name\":\"healthy_total\",\"value\":1}");
                    pushed++;
                }
                int expected = pushed;
                Await.until(
                        Duration.ofSeconds(5),
                        () -> client.sum("healthy_total") == expected,
                        () -> "pushes onto healthy shards applied: " + client.sum("healthy_total") + " of " + expected
                                + " while a master is stopped");
            }
        } finally {
            pause.resume();
        }
        String during = gateway.log().substring(before.length());
        List<Integer> lostHealthy = new ArrayList<>();
        Matcher lost = LOST.matcher(during);
        while (lost.find()) {
            int shard = Integer.parseInt(lost.group(1));
            if (healthy.contains(shard)) {
                lostHealthy.add(shard);
            }
        }
        assertThat(lostHealthy)
                .as("shards on healthy masters lost while another master was stopped:\n" + during)
                .isEmpty();
    }
}
