package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisServer;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.Workload;
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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Every sample counted exactly once through real faults, on one Redis (issue: nothing lost, nothing counted
 * twice): a gateway process killed with {@code kill -9} mid-drain and started again, Redis stalled longer than the
 * socket timeout several times, the gateway's connections killed over and over, and HTTP pushes answered 2xx
 * right before a {@code kill -9}. Counts are read from {@code /metrics}, as Prometheus would.
 */
class NoLossIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension("--enable-debug-command", "yes");

    private static final String QUEUE = "prom-stream-gateway:metric-queue";

    @TempDir
    Path dir;

    private static UnifiedJedis redis() {
        RedisServer server = REDIS.server();
        return RedisClient.builder()
                .hostAndPort(new HostAndPort("127.0.0.1", server.port()))
                .clientConfig(DefaultJedisClientConfig.builder()
                        .socketTimeoutMillis(10_000)
                        .build())
                .build();
    }

    private static long queued() {
        try (Jedis jedis = REDIS.client()) {
            return jedis.llen(QUEUE);
        }
    }

    private static void awaitCounted(List<GatewayClient> gateways, int pushed) {
        Workload.Totals expected = Workload.expected(pushed);
        Await.until(
                Duration.ofSeconds(120),
                () -> queued() == 0 && expected.equals(Workload.counted(gateways)),
                () -> "counted " + Workload.counted(gateways) + " of " + expected + "; " + queued() + " queued");
    }

    private static String tail(String log) {
        return log.length() <= 20_000 ? log : log.substring(log.length() - 20_000);
    }

    private static Map<String, String> slowDrain() {
        return Map.of("redis.uri", REDIS.uri(), "redis.popCount", "20", "redis.workers", "2");
    }

    @Test
    void aGatewayKilledMidDrainAndStartedAgainCountsEverySampleOnce() throws Exception {
        int pushed = 200_000;
        try (UnifiedJedis redis = redis()) {
            Workload.push(redis, QUEUE, 1, 0, pushed);
        }
        GatewayProcess first = GatewayProcess.start(
                dir,
                "first",
                Map.of(
                        "redis.uri",
                        REDIS.uri(),
                        "redis.popCount",
                        "2",
                        "redis.workers",
                        "1")); // slow: the kill must find it mid-drain
        try {
            Await.until(Duration.ofSeconds(60), () -> queued() < pushed - 10_000, "the first gateway drains some");
            first.kill9();
        } finally {
            first.close();
        }
        assertThat(queued()).as("killed mid-drain").isPositive();
        try (GatewayProcess second = GatewayProcess.start(dir, "second", Map.of("redis.uri", REDIS.uri()))) {
            awaitCounted(List.of(second.client()), pushed);
            assertThat(second.log()).contains("Acquired shard 0");
        }
    }

    /**
     * Pushes {@code rounds} chunks of the workload; once each is being drained (a take or a checkpoint in flight),
     * hits the gateway with {@code fault}. Returns how many samples were pushed.
     */
    private static int pushWithFaults(GatewayProcess gateway, int rounds, int chunk, Runnable fault) {
        int pushed = 0;
        try (UnifiedJedis redis = redis()) {
            for (int round = 0; round < rounds; round++) {
                Workload.push(redis, QUEUE, 1, pushed, chunk);
                pushed += chunk;
                long ceiling = queued() - chunk / 20;
                Await.until(
                        Duration.ofSeconds(60),
                        () -> queued() < ceiling,
                        () -> "draining before fault; the gateway's log:\n" + tail(gateway.log()));
                fault.run();
            }
        }
        return pushed;
    }

    @Test
    void redisStalledLongerThanTheSocketTimeoutSeveralTimesLosesAndDoublesNothing() throws Exception {
        Map<String, String> config = new HashMap<>(slowDrain());
        config.put("redis.leaseTtl", "10s"); // the stalls hit takes and checkpoints, not the lease
        try (GatewayProcess gateway = GatewayProcess.start(dir, "stalled", config);
                UnifiedJedis redis = redis()) {
            int pushed = pushWithFaults(
                    gateway,
                    3,
                    100_000,
                    () -> redis.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SLEEP", "2.5"));
            GatewayClient client = gateway.client();
            awaitCounted(List.of(client), pushed); // socketTimeout is 1s: every stall outlasts it
            assertThat(client.sum("prom_stream_gateway_redis_errors_total"))
                    .as("the stalls were felt")
                    .isPositive();
        }
    }

    @Test
    void theGatewaysConnectionsKilledOverAndOverLoseAndDoubleNothing() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, "killed-connections", slowDrain());
                UnifiedJedis redis = redis()) {
            int pushed = pushWithFaults(gateway, 10, 20_000, () -> killGatewayConnections(redis));
            GatewayClient client = gateway.client();
            awaitCounted(List.of(client), pushed);
            assertThat(client.sum("prom_stream_gateway_redis_errors_total"))
                    .as("the kills were felt")
                    .isPositive();
        }
    }

    /** CLIENT KILL of every connection the gateway opened (they carry its client name), whatever they are doing. */
    private static void killGatewayConnections(UnifiedJedis redis) {
        Object list = redis.sendCommand(Protocol.Command.CLIENT, "LIST");
        String text = new String((byte[]) list, StandardCharsets.UTF_8);
        int killed = 0;
        for (String line : text.split("\n")) {
            if (line.contains(" name=prom-stream-gateway ")) {
                String id = line.substring(3, line.indexOf(' '));
                redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", id);
                killed++;
            }
        }
        assertThat(killed).as("the gateway's connections found").isPositive();
    }

    @Test
    void httpPushesAnswered2xxAreCountedAfterAKillMinus9() throws Exception {
        int pushes = 400;
        GatewayProcess first = GatewayProcess.start(dir, "http-first", Map.of("redis.uri", REDIS.uri()));
        HttpClient http = HttpClient.newHttpClient();
        try {
            String base = "http://127.0.0.1:" + first.client().appPort();
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < pushes; i++) {
                HttpRequest request = i % 2 == 0
                        ? HttpRequest.newBuilder(URI.create(base + "/api/metrics"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "[" + Workload.element(4 * i) + "," + Workload.element(4 * i + 2) + "]"))
                                .build()
                        : HttpRequest.newBuilder(URI.create(base + "/metrics/job/nl/k/" + (i % 100)))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "# TYPE nl_http_total counter\nnl_http_total 1\n"))
                                .build();
                replies.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> reply : replies) {
                HttpResponse<String> response = reply.get();
                assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
            }
            first.kill9(); // right after the last 2xx
        } finally {
            first.close();
        }
        try (GatewayProcess second = GatewayProcess.start(dir, "http-second", Map.of("redis.uri", REDIS.uri()))) {
            GatewayClient client = second.client();
            Await.until(
                    Duration.ofSeconds(60),
                    () -> queued() == 0
                            && client.sum(Workload.COUNTER) == pushes / 2.0
                            && client.sum(Workload.GAUGE) == pushes / 2.0
                            && client.sum("nl_http_total") == pushes / 2.0,
                    () -> "counted " + client.sum(Workload.COUNTER) + " JSON counters, " + client.sum(Workload.GAUGE)
                            + " gauge increments, " + client.sum("nl_http_total") + " text pushes, of "
                            + pushes / 2 + " each");
        }
    }
}
