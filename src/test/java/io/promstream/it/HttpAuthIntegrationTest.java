package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Optional credentials on the ingestion endpoints; scraping stays open. */
class HttpAuthIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(
            REDIS,
            ConfigOverride.config("http.bearerTokens", "s3cret-token,other-token"),
            ConfigOverride.config("http.basicUsers.lambda", "pa:ss"),
            ConfigOverride.config("aggregation.credentialQuotas.token:1", "3"));

    private HttpResponse<String> push(String path, String contentType, String body, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return new GatewayClient(APP.getLocalPort(), APP.getAdminPort()).send(builder.build());
    }

    @Test
    void ingestionNeedsCredentialsAndScrapingDoesNot() {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        String json = "{\"type\":\"counter\",\"name\":\"auth_jobs\",\"value\":1}";
        assertThat(push("/api/metrics", "application/json", json, null).statusCode())
                .isEqualTo(401);
        assertThat(push("/api/metrics", "application/json", json, "Bearer wrong")
                        .statusCode())
                .isEqualTo(401);
        assertThat(push("/metrics/job/x", "text/plain", "auth_text 1\n", null).statusCode())
                .isEqualTo(401);
        String badBasic = "Basic " + Base64.getEncoder().encodeToString("lambda:nope".getBytes(StandardCharsets.UTF_8));
        assertThat(push("/metrics/job/x", "text/plain", "auth_text 1\n", badBasic)
                        .statusCode())
                .isEqualTo(401);
        assertThat(client.scrape()).doesNotContain("auth_jobs").doesNotContain("auth_text");

        assertThat(push("/api/metrics", "application/json", json, "Bearer s3cret-token")
                        .statusCode())
                .isEqualTo(200);
        String basic = "Basic " + Base64.getEncoder().encodeToString("lambda:pa:ss".getBytes(StandardCharsets.UTF_8));
        assertThat(push("/metrics/job/x", "text/plain", "auth_text 1\n", basic).statusCode())
                .isEqualTo(200);

        assertThat(client.value("auth_jobs_total")).isEqualTo(1);
        assertThat(client.value("auth_text{job=\"x\",}")).isEqualTo(1);
        assertThat(client.value("prom_stream_gateway_http_unauthorized_total{endpoint=\"json\",}"))
                .isEqualTo(2);
        assertThat(client.value("prom_stream_gateway_http_unauthorized_total{endpoint=\"push\",}"))
                .isEqualTo(2);
    }

    @Test
    void aCredentialsQuotaRefusesTheSeriesItsPushesWouldCreateBeyondIt() throws Exception {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"type\":\"counter\",\"name\":\"quota_jobs\",\"value\":1,\"labels\":{\"i\":\"")
                    .append(i)
                    .append("\"}}");
        }
        json.append(']');
        HttpResponse<String> limited = push("/api/metrics", "application/json", json.toString(), "Bearer other-token");
        JsonNode answer = new ObjectMapper().readTree(limited.body());
        assertThat(answer.path("accepted").asInt()).as(limited.body()).isEqualTo(3);
        assertThat(answer.path("rejected")).hasSize(2);
        assertThat(answer.path("rejected").get(0).path("reason").asText()).isEqualTo("credential_series_limit");
        assertThat(answer.path("rejected").get(0).path("error").asText()).contains("token:1");

        assertThat(push("/api/metrics", "application/json", json.toString(), "Bearer other-token")
                        .body())
                .as("the series it holds keep taking its samples")
                .contains("\"accepted\":3");
        HttpResponse<String> text =
                push("/aggregate/metrics/job/q", "text/plain", "quota_text 1\n", "Bearer other-token");
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(text.body()).contains("token:1", "aggregation.credentialQuotas");
        assertThat(push("/aggregate/metrics/job/q", "text/plain", "quota_text 1\n", "Bearer s3cret-token")
                        .statusCode())
                .as("another credential's pushes are not held up")
                .isEqualTo(200);
        assertThat(client.value("prom_stream_gateway_dropped_metrics_total{reason=\"credential_series_limit\",}"))
                .isGreaterThanOrEqualTo(3);
        JsonNode quotas =
                new ObjectMapper().readTree(client.get("/api/status").body()).path("quotas");
        assertThat(quotas.path("token:1").asInt()).isEqualTo(3);
    }
}
