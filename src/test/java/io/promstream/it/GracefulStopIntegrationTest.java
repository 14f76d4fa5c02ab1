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
    void stoppingMidDrainLosesNothing() throws Exception {
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
        DropwizardTestSupport<GatewayConfiguration> app = TestGateways.support(REDIS.server(), ConfigOverride.config("redis.popCount", "10"), ConfigOverride.config("redis.workers", "1"));
        app.before();
        MetricStore store = ((GatewayApplication) app.getApplication()).gateway().store();
        Await.until(Duration.ofSeconds(30), () -> total(store) > 0, "some samples applied");
        app.after(); // stops the workers: each finishes the batch in hand

        long remaining;
        try (Jedis jedis = REDIS.client()) {
            remaining = jedis.llen(QUEUE);
        }
        double applied = total(store);
        assertThat(remaining).as("stopped mid-drain").isPositive();
        assertThat(applied + remaining).isEqualTo(pushed);
    }

    private static double total(MetricStore store) {
        Family family = store.family("stop");
        return family == null ? 0 : store.snapshot(family).stream().mapToDouble(SeriesSnapshot::value).sum();
    }
}
