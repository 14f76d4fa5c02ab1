package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A TTL rule per family from the configuration: its series expire, the others stay, and the status says which rule. */
class TtlRulesIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = new DropwizardAppExtension<>(
            GatewayApplication.class,
            ResourceHelpers.resourceFilePath("ttl-rules-config.yml"), // test-config.yml with aggregation.ttlRules
            ConfigOverride.config("redis.uri", () -> REDIS.server().uri()));

    static {
        REDIS.afterFlush(() -> TestGateways.awaitHolding(APP, REDIS.server())); // a flush drops the lease
    }

    @Test
    void aFamilysRuleExpiresItsSeriesAndTheStatusNamesIt() throws Exception {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        String body = "[{\"type\":\"counter\",\"name\":\"fast_jobs\",\"value\":1},"
                + "{\"type\":\"counter\",\"name\":\"slow_jobs\",\"value\":1}]";
        assertThat(client.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/api/metrics"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build())
                        .statusCode())
                .isEqualTo(200);
        JsonNode ttl =
                new ObjectMapper().readTree(client.get("/api/status").body()).path("ttl");
        assertThat(ttl.path("fast_jobs").path("rule").asText()).isEqualTo("fast_.*");
        assertThat(ttl.path("fast_jobs").path("ttlMillis").asLong()).isEqualTo(1000);
        assertThat(ttl.path("slow_jobs").path("rule").asText()).isEqualTo("default");
        assertThat(ttl.path("slow_jobs").path("ttlMillis").asLong()).isZero();
        Await.until(
                Duration.ofSeconds(20),
                () -> Double.isNaN(client.value("fast_jobs_total")),
                "fast_jobs expired after its rule's 1 s");
        assertThat(client.value("slow_jobs_total")).isEqualTo(1);
    }

    private static HttpRequest.Builder push(String path, String ttl) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path));
        return ttl == null ? request : request.header("X-Series-TTL", ttl);
    }

    @Test
    void aPushsTtlHeaderExpiresTheSeriesItTouchesAndAGroupWhole() {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        String json = "[{\"type\":\"counter\",\"name\":\"lambda_runs\",\"value\":1,\"labels\":{\"fn\":\"a\"}}]";
        assertThat(client.send(push("/api/metrics", "1s")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build())
                        .statusCode())
                .isEqualTo(200);
        String kept = json.replace("\"a\"", "\"b\"");
        assertThat(client.send(push("/api/metrics", null)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(kept))
                                .build())
                        .statusCode())
                .isEqualTo(200);
        assertThat(client.send(push("/replace/metrics/job/nightly", "1s")
                                .PUT(HttpRequest.BodyPublishers.ofString("# TYPE rows gauge\nrows 42\n"))
                                .build())
                        .statusCode())
                .isIn(200, 202);
        assertThat(client.send(push("/api/metrics", "soon")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build())
                        .body())
                .contains("X-Series-TTL");
        client.awaitValue("rows{instance=\"\",job=\"nightly\",}", 42);

        Await.until(
                Duration.ofSeconds(20),
                () -> Double.isNaN(client.value("lambda_runs_total{fn=\"a\",}"))
                        && Double.isNaN(client.value("rows{instance=\"\",job=\"nightly\",}"))
                        && Double.isNaN(client.value("push_time_seconds{instance=\"\",job=\"nightly\",}")),
                "the series pushed with a 1 s TTL expired, the group whole");
        assertThat(client.value("lambda_runs_total{fn=\"b\",}")).isEqualTo(1);
    }
}
