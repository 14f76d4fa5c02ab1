package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.ingest.QueueWorker;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** SPEC §5: Redis going away never kills the gateway; it reports unhealthy and resumes by itself. */
class RedisOutageIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = new DropwizardAppExtension<>(
            GatewayApplication.class, ResourceHelpers.resourceFilePath("test-config.yml"),
            ConfigOverride.config("redis.uri", REDIS::uri));

    private static final String QUEUE = "prom-stream-gateway:metric-queue";

    @Test
    void survivesRedisStoppingAndResumesWhenItIsBack() {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        try (Jedis jedis = REDIS.client()) {
            jedis.lpush(QUEUE, "{\"type\":\"counter\",\"name\":\"outage_before\",\"value\":1}");
        }
        client.awaitValue("outage_before_total", 1);

        REDIS.server().stop();
        Await.until(Duration.ofSeconds(15), () -> {
            var health = client.admin("/healthcheck");
            return health.statusCode() == 500 && health.body().contains("\"redis\":{\"healthy\":false")
                    && health.body().contains("\"backlog\":{\"healthy\":false");
        }, () -> "redis and backlog checks unhealthy while Redis is down: " + client.admin("/healthcheck").body());
        assertThat(client.get("/").statusCode()).isEqualTo(200);
        assertThat(client.value("outage_before_total")).as("state survives the outage").isEqualTo(1);
        Await.until(Duration.ofSeconds(15), () -> client.value("prom_stream_gateway_redis_errors_total{operation=\"pop\",}") > 0,
                "pop errors counted");

        REDIS.server().start();
        Await.until(Duration.ofSeconds(30), () -> client.admin("/healthcheck").statusCode() == 200,
                () -> "healthy again after Redis is back: " + client.admin("/healthcheck").body());
        try (Jedis jedis = REDIS.client()) {
            jedis.lpush(QUEUE, "{\"type\":\"counter\",\"name\":\"outage_after\",\"value\":1}");
        }
        client.awaitValue("outage_after_total", 1);
        assertThat(((GatewayApplication) APP.getApplication()).gateway().workers().workers())
                .extracting(QueueWorker::state).doesNotContain(QueueWorker.State.STOPPED);
    }
}
