package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.store.Family;
import io.promstream.store.MetricStore;
import io.promstream.store.SeriesSnapshot;
import io.promstream.testing.Await;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * A real gateway process gets SIGTERM mid-drain of 300,000 queued samples: it hands its shard back with a last
 * checkpoint; a second run loads it and drains the rest. Every sample is counted exactly once over the two runs.
 */
class SigtermRestartIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final int PUSHED = 300_000;

    @TempDir
    Path dir;

    @Test
    void everySampleIsCountedOnceAcrossASigtermAndARestart() throws Exception {
        try (Jedis jedis = REDIS.client()) {
            Pipeline pipeline = jedis.pipelined();
            String[] chunk = new String[1000];
            for (int i = 0; i < PUSHED; i += chunk.length) {
                for (int j = 0; j < chunk.length; j++) {
                    int n = i + j;
                    chunk[j] = n % 3 == 0
                            ? "{\"type\":\"histogram\",\"name\":\"restart_seconds\",\"value\":" + (n % 10) / 10.0 + "}"
                            : "{\"type\":\"counter\",\"name\":\"restart_total\",\"value\":1,\"labels\":{\"k\":\""
                                    + (n % 100) + "\"}}";
                }
                pipeline.lpush(QUEUE, chunk);
            }
            pipeline.sync();
        }
        Path log = dir.resolve("first-run.log");
        Process first = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Ddw.redis.uri=" + REDIS.uri(),
                        "-Ddw.redis.workers=2",
                        "-Ddw.redis.popCount=5",
                        "-Ddw.logging.level=INFO",
                        "-Ddw.logging.appenders[0].threshold=INFO",
                        GatewayApplication.class.getName(),
                        "server",
                        ResourceHelpers.resourceFilePath("test-config.yml"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            Await.until(Duration.ofSeconds(60), () -> queued() < PUSHED - 20_000, "the first run drains some");
        } finally {
            first.destroy(); // SIGTERM
        }
        assertThat(first.waitFor(60, TimeUnit.SECONDS))
                .as("exits within the grace period")
                .isTrue();
        String output = Files.readString(log);
        assertThat(output)
                .as(output)
                .contains("Queue workers stopped")
                .contains("Released shard 0")
                .doesNotContain("ERROR")
                .doesNotContain("Unable to destroy");
        assertThat(output.indexOf("Queue workers stopped"))
                .as("checkpointed after the workers finished")
                .isLessThan(output.indexOf("Released shard 0"));
        long left = queued();
        assertThat(left).as("stopped mid-drain").isPositive();

        DropwizardTestSupport<GatewayConfiguration> second = TestGateways.support(REDIS.server());
        second.before();
        try {
            MetricStore store =
                    ((GatewayApplication) second.getApplication()).gateway().store();
            Await.until(Duration.ofSeconds(60), () -> queued() == 0, "the second run drains the rest");
            Await.until(
                    Duration.ofSeconds(30),
                    () -> counted(store) == PUSHED,
                    () -> "counted " + counted(store) + " of " + PUSHED + " (first run left " + left + ")");
        } finally {
            second.after();
        }
    }

    private static long queued() {
        try (Jedis jedis = REDIS.client()) {
            return jedis.llen(QUEUE);
        }
    }

    private static long counted(MetricStore store) {
        long total = 0;
        Family counters = store.family("restart");
        if (counters != null) {
            total += (long) store.snapshot(counters).stream()
                    .mapToDouble(SeriesSnapshot::value)
                    .sum();
        }
        Family histograms = store.family("restart_seconds");
        if (histograms != null) {
            List<SeriesSnapshot> series = store.snapshot(histograms);
            total += series.stream().mapToLong(SeriesSnapshot::count).sum();
        }
        return total;
    }
}
