package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Queue elements with an {@code id}: a PHP sender (phpredis, as the PHP senders use it) that retries its
 * {@code LPUSH} after a timeout pushes the same element again; the element's id makes the repeat a no-op. A sample
 * may carry an id of its own in a batch.
 */
class IdempotentElementIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private static final String QUEUE = "prom-stream-gateway:metric-queue";

    @Test
    void aPhpSenderRetryingItsLpushCountsOnce() throws Exception {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        String php =
                "$r = new Redis(); $r->connect('127.0.0.1', " + REDIS.server().port() + ");"
                        + "$element = json_encode(['id' => 'invoice-42', 'metrics' => ["
                        + "['type' => 'counter', 'name' => 'php_invoices', 'value' => 1],"
                        + "['type' => 'counter', 'name' => 'php_amount', 'value' => 99.5]]]);"
                        + "for ($i = 0; $i < 3; $i++) { $r->lPush('" + QUEUE + "', $element); }" // the retries
                        + "$r->lPush('" + QUEUE + "', json_encode(['id' => 'invoice-43', 'metrics' => ["
                        + "['type' => 'counter', 'name' => 'php_invoices', 'value' => 1]]]));";
        Process process = new ProcessBuilder(List.of("php", "-r", php))
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(new String(process.getInputStream().readAllBytes()))
                .isZero();
        client.awaitValue("php_invoices_total", 2);
        Await.until(
                Duration.ofSeconds(20),
                () -> {
                    try (Jedis jedis = REDIS.client()) {
                        return jedis.llen(QUEUE) == 0;
                    }
                },
                "the queue drained");
        assertThat(client.value("php_amount_total")).isEqualTo(99.5);

        // a batch whose samples carry their own ids, pushed twice: each sample counted once
        try (Jedis jedis = REDIS.client()) {
            String batch = "[{\"type\":\"counter\",\"name\":\"per_sample\",\"value\":2,\"id\":\"s-1\"},"
                    + "{\"type\":\"counter\",\"name\":\"per_sample\",\"value\":3,\"id\":\"s-2\"},"
                    + "{\"type\":\"counter\",\"name\":\"per_sample\",\"value\":5}]";
            jedis.lpush(QUEUE, batch);
            jedis.lpush(QUEUE, batch);
        }
        client.awaitValue("per_sample_total", 15); // 2 + 3 once, the 5 without an id twice
        assertThat(client.value("prom_stream_gateway_idempotent_repeats_total")).isGreaterThanOrEqualTo(4);
    }
}
