package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.Promtool;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** End to end: LPUSH onto a real Redis, scrape the running gateway. */
class GatewayIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private GatewayClient client;

    @BeforeEach
    void setUp() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
    }

    private static void push(String... elements) {
        REDIS.push(QUEUE, elements);
    }

    @Test
    void countersSumAcrossSenders() {
        push(
                "{\"type\":\"counter\",\"name\":\"it_jobs_total\",\"value\":1,\"labels\":{\"queue\":\"mail\"}}",
                "{\"type\":\"counter\",\"name\":\"it_jobs\",\"value\":2,\"labels\":{\"queue\":\"mail\"}}",
                "{\"type\":\"counter\",\"name\":\"it_jobs\",\"value\":5,\"labels\":{\"queue\":\"sms\"}}");
        client.awaitValue("it_jobs_total{queue=\"mail\",}", 3);
        client.awaitValue("it_jobs_total{queue=\"sms\",}", 5);
    }

    @Test
    void gaugesKeepTheLastPushedSetAndApplyIncDec() {
        push(
                "{\"type\":\"gauge\",\"name\":\"it_temp\",\"value\":10}",
                "{\"type\":\"gauge\",\"name\":\"it_temp\",\"value\":20}",
                "{\"type\":\"gauge\",\"name\":\"it_temp\",\"value\":3,\"op\":\"inc\"}",
                "{\"type\":\"gauge\",\"name\":\"it_temp\",\"value\":1,\"op\":\"dec\"}");
        client.awaitValue("it_temp", 22);
    }

    @Test
    void histogramsAndSummariesAggregate() {
        push(
                "{\"type\":\"histogram\",\"name\":\"it_lat_seconds\",\"value\":0.3,\"buckets\":[0.1,0.5]}",
                "{\"type\":\"histogram\",\"name\":\"it_lat_seconds\",\"value\":0.05,\"buckets\":[0.1,0.5]}",
                "{\"type\":\"histogram\",\"name\":\"it_lat_seconds\",\"value\":9,\"buckets\":[0.1,0.5]}",
                "{\"type\":\"summary\",\"name\":\"it_size\",\"value\":4}",
                "{\"type\":\"summary\",\"name\":\"it_size\",\"value\":6}");
        client.awaitValue("it_lat_seconds_count", 3);
        assertThat(client.value("it_lat_seconds_bucket{le=\"0.1\",}")).isEqualTo(1);
        assertThat(client.value("it_lat_seconds_bucket{le=\"0.5\",}")).isEqualTo(2);
        assertThat(client.value("it_lat_seconds_bucket{le=\"+Inf\",}")).isEqualTo(3);
        assertThat(client.value("it_lat_seconds_sum")).isCloseTo(9.35, Offset.offset(1e-9));
        client.awaitValue("it_size_count", 2);
        assertThat(client.value("it_size_sum")).isEqualTo(10);
        assertThat(client.value("it_size{quantile=\"0.5\",}")).isIn(4.0, 6.0);
    }

    @Test
    void batchesApplyEachValidSampleAndRejectTheRest() {
        double before = client.value("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_value\",}");
        push("[{\"type\":\"counter\",\"name\":\"it_batch\",\"value\":1},"
                + "{\"type\":\"counter\",\"name\":\"it_batch\",\"value\":-4},"
                + "{\"type\":\"counter\",\"name\":\"it_batch\",\"value\":2}]");
        client.awaitValue("it_batch_total", 3);
        client.awaitValue("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_value\",}", before + 1);
    }

    @Test
    void theJsonMetricsServersBatchIsAQueueElementToo() {
        // seed 004's documented batch, LPUSHed as it is, with a bad sample beside it: each judged alone
        double before = client.value("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_value\",}");
        double invalidMessage = client.value("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_message\",}");
        push("""
                {"metrics": [{"name": "it_wrapped_requests", "metric_type": "counter", "help": "Requests",
                  "labels": {"service": "api_gateway", "endpoint": "/users"},
                  "value": {"value": 42.0, "timestamp": null}},
                  {"name": "it_wrapped_requests", "metric_type": "counter", "value": -1,
                   "labels": {"service": "api_gateway", "endpoint": "/users"}},
                  {"name": "it_wrapped_temp", "metric_type": "gauge", "value": 3.5}],
                 "source": "my_application"}""");
        client.awaitValue("it_wrapped_requests_total{endpoint=\"/users\",service=\"api_gateway\",}", 42);
        client.awaitValue("it_wrapped_temp", 3.5);
        client.awaitValue("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_value\",}", before + 1);
        assertThat(client.value("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_message\",}"))
                .as("the wrapper is not dead-lettered as a sample without a type")
                .isEqualTo(invalidMessage);
    }

    @Test
    void badInputIsCountedByReasonAndNeverStopsTheWorkers() {
        double json = client.value("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_json\",}");
        double conflict = client.value("prom_stream_gateway_dropped_metrics_total{reason=\"type_conflict\",}");
        double large = client.value("prom_stream_gateway_dropped_metrics_total{reason=\"too_large\",}");
        push(
                "{nope",
                "\u0000\u0001",
                "{\"type\":\"counter\",\"name\":\"it_conflict\",\"value\":1}",
                "{\"type\":\"gauge\",\"name\":\"it_conflict\",\"value\":1}",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":1,\"help\":\"" + "y".repeat(70_000) + "\"}",
                "{\"type\":\"counter\",\"name\":\"it_after_garbage\",\"value\":1}");
        client.awaitValue("it_after_garbage_total", 1);
        assertThat(client.value("prom_stream_gateway_dropped_metrics_total{reason=\"invalid_json\",}"))
                .isEqualTo(json + 2);
        assertThat(client.value("prom_stream_gateway_dropped_metrics_total{reason=\"type_conflict\",}"))
                .isEqualTo(conflict + 1);
        assertThat(client.value("prom_stream_gateway_dropped_metrics_total{reason=\"too_large\",}"))
                .isEqualTo(large + 1);
    }

    @Test
    void exposesMetaMetrics() {
        push("{\"type\":\"counter\",\"name\":\"it_meta\",\"value\":1}");
        client.awaitValue("it_meta_total", 1);
        String text = client.scrape();
        assertThat(text)
                .contains("prom_stream_gateway_processed_metrics_total{worker=\"0\",queue_key=\"" + QUEUE + "\",}")
                .contains("prom_stream_gateway_redis_queue_empty_pops_total{worker=\"1\",")
                .contains("prom_stream_gateway_redis_queue_pending_size{queue_key=\"" + QUEUE + "\",}")
                .contains("# TYPE prom_stream_gateway_series gauge")
                .contains("# TYPE prom_stream_gateway_bucket_mismatch_total counter")
                .contains("# TYPE prom_stream_gateway_series_expired_total counter")
                .contains("# TYPE prom_stream_gateway_dropped_metrics_total counter")
                .contains("# TYPE prom_stream_gateway_redis_errors_total counter")
                .contains("prom_stream_gateway_worker_state{worker=\"0\",state=\"TAKING\",}")
                .contains("jvm_memory_bytes_used");
        assertThat(client.value("prom_stream_gateway_series")).isPositive();
    }

    @Test
    void theExpositionPassesPromtoolInBothFormats() {
        push(
                "{\"type\":\"counter\",\"name\":\"it_prom_requests_total\",\"value\":1,\"help\":\"Requests.\",\"labels\":{\"path\":\"/a \\\"b\\\"\"}}",
                "{\"type\":\"gauge\",\"name\":\"it_prom_temperature_celsius\",\"value\":-3.5}",
                "{\"type\":\"histogram\",\"name\":\"it_prom_latency_seconds\",\"value\":0.2}",
                "{\"type\":\"summary\",\"name\":\"it_prom_size_bytes\",\"value\":10}");
        client.awaitValue("it_prom_size_bytes_count", 1);
        HttpResponse<String> text = client.get("/metrics", "text/plain");
        assertThat(text.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(Promtool.checkMetrics(text.body())).isEmpty();

        HttpResponse<String> om = client.get("/metrics", "application/openmetrics-text; version=1.0.0");
        assertThat(om.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
        assertThat(om.body()).endsWith("# EOF\n").contains("it_prom_requests_total{path=\"/a \\\"b\\\"\"} 1.0");
    }

    @Test
    void gzipScrapesAreCompressedOnceAndShowWhatChanged() throws Exception {
        push("{\"type\":\"counter\",\"name\":\"it_gzip_jobs_total\",\"value\":1}");
        client.awaitValue("it_gzip_jobs_total", 1);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/metrics"))
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                .header("Accept-Encoding", "gzip")
                .GET()
                .build();
        for (int expected = 1; expected <= 2; expected++) {
            String line = "it_gzip_jobs_total " + expected + ".0\n";
            String[] body = new String[1];
            Await.until(
                    Duration.ofSeconds(10),
                    () -> {
                        body[0] = gunzipped(request);
                        return body[0].contains(line);
                    },
                    () -> "no " + line + " in " + body[0]);
            assertThat(body[0]).endsWith("# EOF\n").contains("# TYPE prom_stream_gateway_processed_metrics counter");
            push("{\"type\":\"counter\",\"name\":\"it_gzip_jobs_total\",\"value\":1}");
        }
    }

    /** A gzip scrape, inflated: exactly one {@code Content-Encoding: gzip}, and a body with a valid CRC and size. */
    private static String gunzipped(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Content-Encoding")).containsExactly("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("not valid gzip", e);
        }
    }

    @Test
    void rootAnswersOkAndHealthChecksPass() {
        HttpResponse<String> root = client.get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("OK");
        HttpResponse<String> health = client.admin("/healthcheck");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"redis\"", "\"workers\"", "\"backlog\"");
    }
}
