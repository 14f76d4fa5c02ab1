package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** SPEC §4: past {@code aggregation.maxSeries} new series are rejected, existing ones keep updating. */
class CardinalityIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP =
            TestGateways.extension(REDIS, ConfigOverride.config("aggregation.maxSeries", "3"));

    @Test
    void theCapRejectsNewSeriesAndTurnsTheCheckUnhealthy() {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        // one batch element, so one worker applies the six samples in order and the first three series win
        StringBuilder batch = new StringBuilder("[");
        for (int user : new int[] {0, 1, 2, 3, 4, 0}) {
            batch.append(batch.length() > 1 ? "," : "")
                    .append("{\"type\":\"counter\",\"name\":\"card\",\"value\":1,\"labels\":{\"user\":\"")
                    .append(user)
                    .append("\"}}");
        }
        try (Jedis jedis = REDIS.client()) {
            jedis.lpush("prom-stream-gateway:metric-queue", batch.append(']').toString());
        }
        assertThat(client.adminPost("/tasks/flush-queue").statusCode()).isEqualTo(200);
        assertThat(client.value("prom_stream_gateway_series")).isEqualTo(3);
        assertThat(client.value("prom_stream_gateway_dropped_metrics_total{reason=\"series_limit\",}"))
                .isEqualTo(2);
        assertThat(client.value("card_total{user=\"0\",}"))
                .as("existing series keep updating")
                .isEqualTo(2);

        HttpResponse<String> admin = client.admin("/healthcheck");
        assertThat(admin.statusCode()).isEqualTo(500);
        assertThat(admin.body()).contains("\"cardinality\":{\"healthy\":false");
        HttpResponse<String> app = client.get("/api/health");
        assertThat(app.statusCode()).isEqualTo(503);
        assertThat(app.body()).contains("\"cardinality\":{\"healthy\":false");
    }
}
