package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.queue.ShardKeys;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisCluster;
import io.promstream.testing.RedisClusterExtension;
import io.promstream.testing.Workload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;

/**
 * The no-loss faults of {@link NoLossIntegrationTest}, on a Redis Cluster whose node timeout (5 s) outlasts the
 * stalls, so that a stalled master stays master: a gateway killed mid-drain and started again, every master
 * stalled past the socket timeout, the gateway's connections to every master killed over and over, HTTP pushes
 * answered 2xx and then a {@code kill -9}. Eight shards over three masters.
 */
class ClusterFaultsIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisClusterExtension CLUSTER =
            new RedisClusterExtension(new RedisCluster(3, 1, Duration.ofSeconds(5), "--enable-debug-command", "yes"));

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final int SHARDS = 8;

    @TempDir
    Path dir;

    private final List<GatewayProcess> started = new ArrayList<>();

    @AfterEach
    void stopGateways() {
        started.forEach(GatewayProcess::close);
    }

    private GatewayProcess gateway(String name, Map<String, String> extra) throws IOException {
        Map<String, String> config = new HashMap<>(Map.of(
                "redis.clusterNodes",
                String.join(",", CLUSTER.seeds()),
                "redis.shards",
                Integer.toString(SHARDS),
                "redis.popCount",
                "20",
                "redis.workers",
                "2"));
        config.putAll(extra);
        GatewayProcess gateway = GatewayProcess.start(dir, name, config);
        started.add(gateway);
        return gateway;
    }

    private static long queued() {
        try (JedisCluster redis = CLUSTER.client()) {
            long total = 0;
            for (int i = 0; i < SHARDS; i++) {
                total += redis.llen(ShardKeys.of(QUEUE, i, SHARDS).list());
            }
            return total;
        }
    }

    private static void awaitCounted(GatewayProcess gateway, int pushed) {
        Workload.Totals expected = Workload.expected(pushed);
        List<GatewayClient> clients = List.of(gateway.client());
        Await.until(
                Duration.ofSeconds(120),
                () -> queued() == 0 && expected.equals(Workload.counted(clients)),
                () -> "counted " + Workload.counted(clients) + " of " + expected + "; " + queued() + " queued");
    }

    /** Pushes chunks; once each is being drained, runs {@code fault} with the round number. */
    private static int pushWithFaults(int rounds, int chunk, IntConsumer fault) {
        int pushed = 0;
        for (int round = 0; round < rounds; round++) {
            try (JedisCluster redis = CLUSTER.client()) {
                Workload.push(redis, QUEUE, SHARDS, pushed, chunk);
            }
            pushed += chunk;
            long ceiling = queued() - chunk / 20;
            Await.until(Duration.ofSeconds(60), () -> queued() < ceiling, "draining before the fault");
            fault.accept(round);
        }
        return pushed;
    }

    private static List<Integer> masters() {
        return CLUSTER.cluster().masters();
    }

    @Test
    void aGatewayKilledMidDrainAndStartedAgainCountsEverySampleOnce() throws Exception {
        int pushed = 160_000;
        try (JedisCluster redis = CLUSTER.client()) {
            Workload.push(redis, QUEUE, SHARDS, 0, pushed);
        }
        GatewayProcess first = gateway("first", Map.of("redis.popCount", "2", "redis.workers", "1")); // mid-drain
        Await.until(Duration.ofSeconds(60), () -> queued() < pushed - 10_000, "the first gateway drains some");
        first.kill9();
        assertThat(queued()).as("killed mid-drain").isPositive();
        GatewayProcess second = gateway("second", Map.of());
        awaitCounted(second, pushed);
    }

    @Test
    void everyMasterStalledPastTheSocketTimeoutLosesAndDoublesNothing() throws Exception {
        GatewayProcess gateway = gateway("stalled", Map.of("redis.leaseTtl", "10s"));
        List<Integer> masters = masters();
        int pushed = pushWithFaults(masters.size(), 60_000, round -> {
            try (Jedis master = new Jedis("127.0.0.1", masters.get(round), 10_000)) {
                master.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SLEEP", "2.5");
            }
        });
        awaitCounted(gateway, pushed);
        assertThat(gateway.client().sum("prom_stream_gateway_redis_errors_total"))
                .as("the stalls were felt")
                .isPositive();
    }

    @Test
    void theGatewaysConnectionsToEveryMasterKilledOverAndOverLoseAndDoubleNothing() throws Exception {
        GatewayProcess gateway = gateway("killed-connections", Map.of());
        AtomicInteger killed = new AtomicInteger();
        int pushed = pushWithFaults(6, 20_000, round -> {
            for (int port : masters()) {
                try (Jedis master = new Jedis("127.0.0.1", port)) {
                    for (String line : master.clientList().split("\n")) {
                        if (line.contains(" name=prom-stream-gateway ")) {
                            master.sendCommand(
                                    Protocol.Command.CLIENT, "KILL", "ID", line.substring(3, line.indexOf(' ')));
                            killed.incrementAndGet();
                        }
                    }
                }
            }
        });
        awaitCounted(gateway, pushed);
        assertThat(killed.get())
                .as("connections killed (the cluster client retries most away unseen)")
                .isGreaterThanOrEqualTo(6 * 3);
    }

    @Test
    void httpPushesAnswered2xxAreCountedAfterAKillMinus9() throws Exception {
        int pushes = 300;
        GatewayProcess first = gateway("http-first", Map.of());
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + first.client().appPort();
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < pushes; i++) {
            String body = "[" + Workload.element(4 * i) + "," + Workload.element(4 * i + 2) + "]"; // split by shard
            replies.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/api/metrics"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            HttpResponse<String> response = reply.get();
            assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        }
        first.kill9();
        GatewayProcess second = gateway("http-second", Map.of());
        GatewayClient client = second.client();
        Await.until(
                Duration.ofSeconds(60),
                () -> queued() == 0 && client.sum(Workload.COUNTER) == pushes && client.sum(Workload.GAUGE) == pushes,
                () -> "counted " + client.sum(Workload.COUNTER) + " counters and " + client.sum(Workload.GAUGE)
                        + " gauge increments of " + pushes + " each");
    }
}
