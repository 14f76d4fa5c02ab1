package io.promstream.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.prometheus.client.Collector;
import io.promstream.parse.NativeHistogram;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Native histograms through a {@code kill -9}: observations at two schemas queued on the list and whole histograms
 * pushed over HTTP, the gateway killed once they are checkpointed, a new one started on the same Redis, more
 * samples; the exposition (the classic rendering of the native buckets) holds exactly every observation once.
 */
class NativeHistogramTakeoverIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String QUEUE = "prom-stream-gateway:metric-queue";

    @TempDir
    Path dir;

    @Test
    void aNativeHistogramCarriesOnAfterAKill() throws Exception {
        NativeHistogram expected = new NativeHistogram(1, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        Random random = new Random(11);
        Map<String, String> config = Map.of("redis.uri", REDIS.uri());
        try (GatewayProcess first = GatewayProcess.start(dir, "first", config)) {
            push(first.client(), random, expected, 500);
            awaitCount(first.client(), expected);
            Await.until(
                    Duration.ofSeconds(30),
                    () -> {
                        try (Jedis jedis = REDIS.client()) {
                            return jedis.llen(QUEUE) == 0;
                        }
                    },
                    "every element checkpointed and trimmed");
            first.kill9();
        }
        try (GatewayProcess second = GatewayProcess.start(dir, "second", config)) {
            push(second.client(), random, expected, 300);
            awaitCount(second.client(), expected);
            String exposition = second.client().scrape();
            assertThat(GatewayClient.samples(exposition).get("rpc_seconds_sum"))
                    .isCloseTo(expected.sum(), offset(1e-6));
            double[] bounds = expected.classicBounds();
            long[] counts = expected.classicCounts();
            for (int i = 0; i < bounds.length; i++) {
                String series = "rpc_seconds_bucket{le=\"" + Collector.doubleToGoString(bounds[i]) + "\",}";
                assertThat(GatewayClient.samples(exposition).get(series))
                        .as(series)
                        .isEqualTo(counts[i]);
            }
        }
    }

    /** {@code n} observations onto the list (schema 3 and schema 1, alternately) and one whole histogram over HTTP. */
    private static void push(GatewayClient client, Random random, NativeHistogram expected, int n) {
        try (Jedis jedis = REDIS.client()) {
            for (int i = 0; i < n; i++) {
                double v = Math.round(Math.exp(random.nextGaussian() * 2) * 1000) / 1000.0;
                jedis.lpush(
                        QUEUE,
                        "{\"type\":\"histogram\",\"name\":\"rpc_seconds\",\"schema\":" + (i % 2 == 0 ? 3 : 1)
                                + ",\"value\":" + v + "}");
                expected.observe(v);
            }
        }
        String whole =
                "{\"type\":\"histogram\",\"name\":\"rpc_seconds\",\"native\":{\"schema\":2,\"count\":3,\"sum\":6,"
                        + "\"positive\":{\"4\":3}}}";
        NativeHistogram pushed = new NativeHistogram(2, NativeHistogram.DEFAULT_ZERO_THRESHOLD).totals(0, 3, 6);
        pushed.positive().add(4, 3);
        expected.add(pushed);
        assertThat(client.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + client.appPort() + "/api/metrics"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(whole))
                                .build())
                        .statusCode())
                .isIn(200, 202);
    }

    private static void awaitCount(GatewayClient client, NativeHistogram expected) {
        Await.until(
                Duration.ofSeconds(60),
                () -> client.value("rpc_seconds_count") == expected.count(),
                () -> "rpc_seconds_count " + client.value("rpc_seconds_count") + ", expected " + expected.count());
    }
}
