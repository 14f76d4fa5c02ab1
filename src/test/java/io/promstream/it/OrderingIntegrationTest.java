package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.store.Family;
import io.promstream.store.MetricStore;
import io.promstream.store.SeriesSnapshot;
import io.promstream.testing.Await;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * SPEC §3: for one series, with any number of workers, a later-pushed gauge set is never overwritten by an
 * earlier one. Four workers taking three elements at a time race each other over many rounds.
 */
class OrderingIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(
            REDIS, ConfigOverride.config("redis.workers", "4"), ConfigOverride.config("redis.popCount", "3"));

    private static final String QUEUE = "prom-stream-gateway:metric-queue";

    @Test
    void theLastPushedSetWinsWhateverTheWorkersDo() {
        MetricStore store =
                ((GatewayApplication) APP.getApplication()).gateway().store();
        int rounds = 40;
        int setsPerSeries = 300;
        int seriesPerRound = 4;
        for (int round = 0; round < rounds; round++) {
            String[] batch = new String[setsPerSeries * seriesPerRound];
            int i = 0;
            for (int v = 1; v <= setsPerSeries; v++) {
                for (int s = 0; s < seriesPerRound; s++) {
                    batch[i++] = "{\"type\":\"gauge\",\"name\":\"order_gauge\",\"value\":" + v
                            + ",\"labels\":{\"round\":\"" + round + "\",\"series\":\"" + s + "\"}}";
                }
            }
            try (Jedis jedis = REDIS.client()) {
                jedis.lpush(QUEUE, batch); // one LPUSH: elements land in push order, first one at the tail
            }
        }
        long expectedSeries = (long) rounds * seriesPerRound;
        Await.until(Duration.ofSeconds(60), () -> drained(store, expectedSeries), "queue drained");
        Family family = store.family("order_gauge");
        assertThat(store.snapshot(family))
                .hasSize((int) expectedSeries)
                .allSatisfy(
                        s -> assertThat(s.value()).as("series %s", s.labels()).isEqualTo(setsPerSeries));
    }

    @Test
    void incAndDecAroundSetsTakeEffectInPushOrder() {
        MetricStore store =
                ((GatewayApplication) APP.getApplication()).gateway().store();
        int series = 60;
        List<String> pushes = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            String labels = ",\"labels\":{\"s\":\"" + s + "\"}}";
            pushes.add("{\"type\":\"gauge\",\"name\":\"mixed_gauge\",\"value\":100" + labels);
            for (int i = 0; i < 5; i++) {
                pushes.add("{\"type\":\"gauge\",\"name\":\"mixed_gauge\",\"op\":\"inc\",\"value\":2" + labels);
            }
            pushes.add("{\"type\":\"gauge\",\"name\":\"mixed_gauge\",\"value\":50" + labels);
            for (int i = 0; i < 4; i++) {
                pushes.add("{\"type\":\"gauge\",\"name\":\"mixed_gauge\",\"op\":\"inc\",\"value\":3" + labels);
                pushes.add("{\"type\":\"gauge\",\"name\":\"mixed_gauge\",\"op\":\"dec\",\"value\":1" + labels);
            }
        }
        double before = processed();
        for (int round = 0; round < 10; round++) {
            try (Jedis jedis = REDIS.client()) {
                jedis.lpush(QUEUE, pushes.toArray(String[]::new));
            }
        }
        double expectedProcessed = before + 10.0 * pushes.size();
        Await.until(Duration.ofSeconds(60), () -> processed() >= expectedProcessed, "all applied");
        assertThat(store.snapshot(store.family("mixed_gauge")))
                .hasSize(series)
                .allSatisfy(
                        s -> assertThat(s.value()).as("series %s", s.labels()).isEqualTo(58));
    }

    private static double processed() {
        return ((GatewayApplication) APP.getApplication()).gateway().metrics().processedTotal();
    }

    private static boolean drained(MetricStore store, long expectedSeries) {
        try (Jedis jedis = REDIS.client()) {
            if (jedis.llen(QUEUE) > 0) {
                return false;
            }
        }
        Family family = store.family("order_gauge");
        // drained and every batch applied: the gauges reached their last value or a later check will fail
        return family != null
                && family.size() == expectedSeries
                && ((GatewayApplication) APP.getApplication())
                        .gateway().workers().workers().stream()
                                .allMatch(w -> w.batch().pendingOffset() < 0)
                && store.snapshot(family).stream()
                                .mapToDouble(SeriesSnapshot::value)
                                .min()
                                .orElse(0)
                        > 0;
    }
}
