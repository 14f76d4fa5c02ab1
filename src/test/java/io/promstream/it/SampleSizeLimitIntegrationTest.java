package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * One size rule on every path (issue 19): a sample whose text is over {@code aggregation.maxMessageBytes} is
 * refused as {@code too_large} whether it comes by {@code LPUSH}, in a JSON body, or in a text push; one just under
 * it is taken on every path.
 */
class SampleSizeLimitIntegrationTest {
    private static final int LIMIT = 4096;

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(
            REDIS, ConfigOverride.config("aggregation.maxMessageBytes", Integer.toString(LIMIT)));

    private static HttpResponse<String> post(String path, String type, String body) {
        return client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static GatewayClient client() {
        return new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
    }

    private static String json(String name, String value) {
        return "{\"type\":\"counter\",\"name\":\"" + name + "\",\"value\":1,\"labels\":{\"v\":\"" + value + "\"}}";
    }

    private static double tooLarge() {
        return client().value("prom_stream_gateway_dropped_metrics_total{reason=\"too_large\",}");
    }

    @Test
    void aSampleOverTheLimitIsTooLargeOnEveryPathAndOneUnderItIsTakenOnEvery() {
        String big = "x".repeat(LIMIT);
        String fits = "y".repeat(LIMIT - 200);
        double before = Double.isNaN(tooLarge()) ? 0 : tooLarge();

        try (Jedis jedis = REDIS.server().client()) {
            jedis.lpush("prom-stream-gateway:metric-queue", json("size_queue_big", big), json("size_queue_fits", fits));
        }
        HttpResponse<String> jsonBig = post("/api/metrics", "application/json", json("size_json_big", big));
        HttpResponse<String> jsonFits = post("/api/metrics", "application/json", json("size_json_fits", fits));
        HttpResponse<String> textBig = post("/metrics/job/size", "text/plain", "size_text_big{v=\"" + big + "\"} 1\n");
        HttpResponse<String> textFits =
                post("/metrics/job/size", "text/plain", "size_text_fits{v=\"" + fits + "\"} 1\n");

        assertThat(jsonBig.statusCode()).as(jsonBig.body()).isEqualTo(200); // per sample, as in a batch
        assertThat(jsonBig.body()).contains("too_large");
        assertThat(jsonFits.statusCode()).as(jsonFits.body()).isEqualTo(200);
        assertThat(textBig.statusCode()).as(textBig.body()).isEqualTo(413);
        assertThat(textFits.statusCode()).as(textFits.body()).isEqualTo(200);
        Await.until(
                Duration.ofSeconds(20),
                () -> client().value("size_queue_fits_total{v=\"" + fits + "\",}") == 1 && tooLarge() == before + 3,
                () -> "the queued sample that fits applied and three too_large counted: " + tooLarge());
        String exposition = client().scrape();
        assertThat(exposition)
                .contains("size_json_fits_total")
                .contains("size_text_fits")
                .doesNotContain("size_queue_big")
                .doesNotContain("size_json_big")
                .doesNotContain("size_text_big");
    }
}
