package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pushes sent again with the same {@code Idempotency-Key} change nothing and answer as applied, on every push path. */
class IdempotentPushIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private GatewayClient client;
    private String base;

    @BeforeEach
    void setUp() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        base = "http://127.0.0.1:" + APP.getLocalPort();
    }

    private HttpResponse<String> post(String path, String contentType, byte[] body, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return client.send(request.build());
    }

    @Test
    void aJsonPushSentAgainWithItsKeyCountsOnce() {
        byte[] body =
                "[{\"type\":\"counter\",\"name\":\"idem_jobs\",\"value\":3},{\"type\":\"counter\",\"name\":\"idem_other\",\"value\":1}]"
                        .getBytes();
        double repeats = client.value("prom_stream_gateway_idempotent_repeats_total");
        HttpResponse<String> first = post("/api/metrics", "application/json", body, "9f1c-2024-a");
        HttpResponse<String> again = post("/api/metrics", "application/json", body, "9f1c-2024-a");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body()); // {"accepted":2,"rejected":[]}
        client.awaitValue("idem_jobs_total", 3);
        post("/api/metrics", "application/json", body, "9f1c-2024-b"); // another key: another push
        post("/api/metrics", "application/json", body, null); // no key: counted, as always
        client.awaitValue("idem_jobs_total", 9);
        assertThat(client.value("prom_stream_gateway_idempotent_repeats_total")).isEqualTo(repeats + 1);
        HttpResponse<String> bad = post("/api/metrics", "application/json", body, "x".repeat(256));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Idempotency-Key");
    }

    @Test
    void aTextPushAndAnOtlpExportSentAgainWithTheirKeysCountOnce() throws Exception {
        double repeats = client.value("prom_stream_gateway_idempotent_repeats_total");
        byte[] text = "# TYPE idem_text counter\nidem_text 5\n".getBytes();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> answer = post("/aggregate/metrics/job/idem", "text/plain", text, "text-push-1");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("applied 1 samples\n");
        }
        client.awaitValue("idem_text_total{job=\"idem\",}", 5);

        // an export whose delta points and whose group land on the one shard: keyed apart, both applied once
        long now = System.currentTimeMillis() * 1_000_000L;
        ExportMetricsServiceRequest delta =
                OtlpIntegrationTest.deltaCounter("idem.otlp", 2, now - 1_000_000L, now, "i");
        ExportMetricsServiceRequest export = delta.toBuilder()
                .setResourceMetrics(
                        0,
                        delta.getResourceMetrics(0).toBuilder()
                                .setScopeMetrics(
                                        0,
                                        delta.getResourceMetrics(0).getScopeMetrics(0).toBuilder()
                                                .addMetrics(Metric.newBuilder()
                                                        .setName("idem.gauge")
                                                        .setGauge(Gauge.newBuilder()
                                                                .addDataPoints(NumberDataPoint.newBuilder()
                                                                        .setTimeUnixNano(now)
                                                                        .setAsDouble(7))))))
                .build();
        for (int i = 0; i < 2; i++) {
            assertThat(post("/v1/metrics", "application/x-protobuf", export.toByteArray(), "otlp-1")
                            .statusCode())
                    .isEqualTo(200);
        }
        client.awaitValue("idem_otlp_total{job=\"retry-test\",}", 2);
        assertThat(client.value("idem_gauge{instance=\"i\",job=\"retry-test\",}"))
                .isEqualTo(7);
        // the text push twice again, the export's two steps once again
        assertThat(client.value("prom_stream_gateway_idempotent_repeats_total")).isEqualTo(repeats + 4);
    }
}
