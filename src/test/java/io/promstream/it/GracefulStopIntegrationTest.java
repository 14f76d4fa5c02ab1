package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.store.Family;
import io.promstream.store.MetricStore;
import io.promstream.store.SeriesSnapshot;
import io.promstream.testing.Await;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** SPEC §5: a stop mid-drain finishes every element already taken; applied + still queued = pushed. */
class GracefulStopIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String QUEUE = "prom-stream-gateway:metric-queue";

    @Test
    void stoppingMidDrainHandsEverythingToTheNextStartCountedOnce() throws Exception {
        int pushed = 200_000;
        try (Jedis jedis = REDIS.client()) {
            String[] chunk = new String[1000];
            for (int i = 0; i < pushed; i += chunk.length) {
                for (int j = 0; j < chunk.length; j++) {
                    chunk[j] = "{\"type\":\"counter\",\"name\":\"stop_total\",\"value\":1,\"labels\":{\"k\":\""
                            + (j % 50) + "\"}}";
                }
                jedis.lpush(QUEUE, chunk);
            }
        }
        DropwizardTestSupport<GatewayConfiguration> first = TestGateways.support(
                REDIS.server(),
                ConfigOverride.config("redis.popCount", "10"),
                ConfigOverride.config("redis.workers", "1"));
        first.before();
        MetricStore store =
                ((GatewayApplication) first.getApplication()).gateway().store();
        Await.until(Duration.ofSeconds(30), () -> total(store) > 0, "some samples applied");
        first.after(); // workers finish the batch in hand; the shard's last checkpoint covers it; the lease goes

        long remaining;
        try (Jedis jedis = REDIS.client()) {
            remaining = jedis.llen(QUEUE);
            assertThat(jedis.exists("prom-stream-gateway:metric-queue:{prom-stream-gateway:metric-queue}:lease"))
                    .as("the lease was handed back")
                    .isFalse();
        }
        assertThat(remaining)
                .as("stopped mid-drain, and what it applied trimmed off")
                .isPositive()
                .isLessThan(pushed);

        DropwizardTestSupport<GatewayConfiguration> second = TestGateways.support(REDIS.server());
        second.before();
        try {
            MetricStore again =
                    ((GatewayApplication) second.getApplication()).gateway().store();
            Await.until(Duration.ofSeconds(60), () -> total(again) >= pushed, "the second run applies the rest");
            try (Jedis jedis = REDIS.client()) {
                Await.until(Duration.ofSeconds(10), () -> jedis.llen(QUEUE) == 0, "the queue trimmed to nothing");
            }
            assertThat(total(again))
                    .as("every sample counted once over the two runs")
                    .isEqualTo(pushed);
        } finally {
            second.after();
        }
    }

    private static double total(MetricStore store) {
        Family family = store.family("stop");
        return family == null
                ? 0
                : store.snapshot(family).stream()
                        .mapToDouble(SeriesSnapshot::value)
                        .sum();
    }
}
