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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.StringJoiner;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A family that explodes is named in the status' offenders, with the label behind it, and in the meta metrics. */
class CardinalityOffendersIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = new DropwizardAppExtension<>(
            GatewayApplication.class,
            ResourceHelpers.resourceFilePath("test-config.yml"),
            ConfigOverride.config("redis.uri", () -> REDIS.server().uri()),
            ConfigOverride.config("metaMetrics.cardinalityInterval", "100ms"),
            ConfigOverride.config("metaMetrics.growthWindow", "10m"));

    static {
        REDIS.afterFlush(() -> TestGateways.awaitHolding(APP, REDIS.server())); // a flush drops the lease
    }

    private final GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());

    private JsonNode offenders() {
        try {
            return new ObjectMapper().readTree(client.get("/api/status").body()).path("offenders");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theExplodingFamilyAndItsLabelAreNamed() {
        Await.until(
                Duration.ofSeconds(20),
                () -> offenders().path("sampledAtMillis").asLong() > 0,
                "a first count of the families");
        StringJoiner body = new StringJoiner(",", "[", "]");
        for (int i = 0; i < 30; i++) {
            body.add("{\"type\":\"counter\",\"name\":\"exploding_requests\",\"value\":1,\"labels\":{\"user\":\"u" + i
                    + "\"}}");
        }
        body.add("{\"type\":\"gauge\",\"name\":\"calm_depth\",\"value\":1}");
        assertThat(client.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/api/metrics"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build())
                        .statusCode())
                .isEqualTo(200);

        Await.until(
                Duration.ofSeconds(20),
                () -> offenders().path("growth").path(0).path("growth").asInt() == 30,
                () -> "exploding_requests grew by 30: " + offenders());
        Await.until(
                Duration.ofSeconds(30),
                () -> offenders().path("labels").path(0).path("name").asText().equals("user"),
                () -> "the user label scanned (a scan is reused for 10 s): " + offenders());
        JsonNode offenders = offenders();
        JsonNode top = offenders.path("families").path(0);
        assertThat(top.path("name").asText()).isEqualTo("exploding_requests");
        assertThat(top.path("series").asInt()).isEqualTo(30);
        assertThat(offenders.path("families").path(1).path("name").asText()).isEqualTo("calm_depth");
        JsonNode growth = offenders.path("growth").path(0);
        assertThat(growth.path("name").asText()).isEqualTo("exploding_requests");
        assertThat(growth.path("windowSeconds").asLong()).isNotNegative();
        JsonNode label = offenders.path("labels").path(0);
        assertThat(label.path("name").asText()).isEqualTo("user");
        assertThat(label.path("values").asInt()).isEqualTo(30);
        assertThat(label.path("capped").asBoolean()).isFalse();
        assertThat(label.path("series").asInt()).isEqualTo(30);

        assertThat(client.value("prom_stream_gateway_top_family_series{family=\"exploding_requests\",}"))
                .isEqualTo(30);
        assertThat(client.value("prom_stream_gateway_top_family_series{family=\"calm_depth\",}"))
                .isEqualTo(1);
        assertThat(client.value("prom_stream_gateway_top_family_growth{family=\"exploding_requests\",}"))
                .isEqualTo(30);
    }
}
