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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;

/**
 * A failover that loses elements a gateway had already read while its lease survives (issue 19, finding 1): the
 * replica of shard 0's master is cut off, elements are pushed and applied, the master is killed and the lagging
 * replica promoted. Redis no longer holds what was read; what the new master acknowledges afterwards must be
 * counted whole, and what Redis lost is no longer exposed once the shard is reloaded from what Redis holds.
 */
class FailoverLossIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final int SHARDS = 3;

    @TempDir
    Path dir;

    private GatewayProcess gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String element(String series) {
        return "{\"type\":\"counter\",\"name\":\"fo_total\",\"value\":1,\"labels\":{\"s\":\"" + series + "\"}}";
    }

    private static void push(String list, String series, int count) {
        try (JedisCluster redis = CLUSTER.client()) {
            for (int i = 0; i < count; i++) {
                redis.lpush(list, element(series));
            }
        }
    }

    private static long length(String list) {
        try (JedisCluster redis = CLUSTER.client()) {
            return redis.llen(list);
        }
    }

    @ParameterizedTest(name = "checkpoint.interval {0}")
    @ValueSource(strings = {"60s", "1s"})
    void elementsTheNewMasterAcknowledgesAreCountedWholeAfterAFailoverLostElementsAlreadyRead(String interval)
            throws IOException, InterruptedException {
        RedisCluster cluster = CLUSTER.cluster();
        gateway = GatewayProcess.start(
                dir,
                "failover-" + interval,
                Map.of(
                        "redis.clusterNodes",
                        String.join(",", CLUSTER.seeds()),
                        "redis.shards",
                        Integer.toString(SHARDS),
                        "checkpoint.interval",
                        interval,
                        "redis.leaseTtl",
                        "10s")); // the shipped lease: it survives the failover
        GatewayClient client = gateway.client();
        String list = ShardKeys.of(QUEUE, 0, SHARDS).list();

        push(list, "a", 1);
        Await.until(
                Duration.ofSeconds(30),
                () -> client.sum("fo_total") == 1 && length(list) == 0,
                () -> "the first element applied and trimmed: counted " + client.sum("fo_total") + ", " + length(list)
                        + " queued");

        int master = cluster.masterOf(list);
        List<Integer> replicas = cluster.replicasOf(master);
        assertThat(replicas).hasSize(1);
        RedisCluster.Pause paused = cluster.pause(replicas.get(0), Duration.ofMinutes(2));
        try (Jedis direct = cluster.nodeClient(master)) {
            direct.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
        }
        push(list, "b", 50);
        Await.until(
                Duration.ofSeconds(30),
                () -> client.value("fo_total{s=\"b\",}") == 50,
                () -> "b applied: " + client.value("fo_total{s=\"b\",}"));

        cluster.killMaster(master);
        paused.resume();
        int promoted = cluster.awaitFailover(master);
        assertThat(promoted).isEqualTo(replicas.get(0));

        push(list, "c", 60);
        Await.until(
                Duration.ofSeconds(60),
                () -> length(list) == 0 && client.value("fo_total{s=\"c\",}") == 60,
                () -> "c counted " + client.value("fo_total{s=\"c\",}") + " of the 60 the new master acknowledged; "
                        + length(list) + " queued; log:\n" + tail(gateway.log()));
        Await.until(
                Duration.ofSeconds(30),
                () -> !(client.value("fo_total{s=\"b\",}") > 0),
                () -> "b, which Redis lost, still exposed: " + client.value("fo_total{s=\"b\",}"));
        assertThat(client.value("fo_total{s=\"a\",}"))
                .as("a, checkpointed before the fault")
                .isEqualTo(1);
        assertThat(client.value("fo_total{s=\"c\",}")).as("c stays exact").isEqualTo(60);
        cluster.restart(master);
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
