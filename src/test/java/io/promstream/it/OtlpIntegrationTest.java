package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.OtelJavaProcess;
import io.promstream.testing.OtelJavaProcess.Temporality;
import io.promstream.testing.OtlpExports;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /v1/metrics} through the running gateway, fed by the OpenTelemetry Java SDK as short-lived processes
 * use it, and by exports built by hand where the test must send the very same bytes twice.
 */
class OtlpIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP =
            TestGateways.extension(REDIS, ConfigOverride.config("redis.shards", "4"));

    private GatewayClient client;
    private String endpoint;

    @BeforeEach
    void setUp() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        endpoint = "http://127.0.0.1:" + APP.getLocalPort() + "/v1/metrics";
    }

    @Test
    void deltasOfShortLivedProcessesAddUpAcrossProducers() {
        for (int process = 0; process < 5; process++) {
            int p = process;
            OtelJavaProcess.run(endpoint, "checkout", Temporality.DELTA, meter -> {
                LongCounter orders = meter.counterBuilder("shop.orders")
                        .setUnit("{order}")
                        .setDescription("Orders placed.")
                        .build();
                LongCounter bytes =
                        meter.counterBuilder("shop.payload").setUnit("By").build();
                DoubleHistogram latency = meter.histogramBuilder("shop.latency")
                        .setUnit("s")
                        .setExplicitBucketBoundariesAdvice(OtelJavaProcess.BOUNDS)
                        .build();
                for (int i = 0; i < 10; i++) {
                    orders.add(1, Attributes.of(AttributeKey.stringKey("country"), i % 2 == 0 ? "fr" : "de"));
                    bytes.add(100);
                    latency.record(new double[] {0.0625, 0.25, 0.75, 2, 8}[(i + p) % 5]);
                }
            });
        }
        String scope = "otel_scope_name=\"otel-java-process\",";
        client.awaitValue("shop_orders_total{country=\"fr\",job=\"checkout\"," + scope + "}", 25);
        assertThat(client.value("shop_orders_total{country=\"de\",job=\"checkout\"," + scope + "}"))
                .isEqualTo(25);
        assertThat(client.value("shop_payload_bytes_total{job=\"checkout\"," + scope + "}"))
                .isEqualTo(5000);
        assertThat(client.value("shop_latency_seconds_count{job=\"checkout\"," + scope + "}"))
                .isEqualTo(50);
        assertThat(client.value("shop_latency_seconds_sum{job=\"checkout\"," + scope + "}"))
                .isEqualTo(5 * 2 * (0.0625 + 0.25 + 0.75 + 2 + 8));
        assertThat(client.value("shop_latency_seconds_bucket{job=\"checkout\"," + scope + "le=\"0.5\",}"))
                .isEqualTo(20);
        String exposition = client.scrape();
        assertThat(exposition).contains("# HELP shop_orders_total Orders placed.");
        assertThat(exposition).doesNotContain("shop_orders_total{country=\"fr\",instance=");
    }

    @Test
    void cumulativeStreamsAreEachProducersOwnGroup() {
        for (String instance : new String[] {"a", "b"}) {
            for (int round = 1; round <= 2; round++) {
                int n = round;
                OtelJavaProcess.run(
                        endpoint,
                        "billing",
                        instance,
                        Temporality.CUMULATIVE,
                        false,
                        meter -> meter.counterBuilder("billing.runs").build().add(n * 10L),
                        new String[0]);
            }
        }
        // cumulative: each producer's last total, as pushed (10 then 20: taken, not added)
        String scope = "otel_scope_name=\"otel-java-process\",";
        client.awaitValue("billing_runs_total{instance=\"a\",job=\"billing\"," + scope + "}", 20);
        assertThat(client.value("billing_runs_total{instance=\"b\",job=\"billing\"," + scope + "}"))
                .isEqualTo(20);
        assertThat(client.scrape()).contains("target_info{cloud_region=\"eu-west-1\",instance=\"a\",job=\"billing\"");
    }

    @Test
    void theSameExportSentTwiceCountsOnceInEitherEncoding() throws Exception {
        long now = System.currentTimeMillis() * 1_000_000L;
        ExportMetricsServiceRequest export = deltaCounter("retried.jobs", 7, now - 5_000_000_000L, now, "lambda-1");
        HttpResponse<byte[]> first = post(export.toByteArray(), "application/x-protobuf", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(ExportMetricsServiceResponse.parseFrom(first.body()).hasPartialSuccess())
                .isFalse();
        assertThat(post(export.toByteArray(), "application/x-protobuf", null).statusCode())
                .isEqualTo(200);
        String json = JsonFormat.printer().print(export);
        HttpResponse<byte[]> third = post(json.getBytes(StandardCharsets.UTF_8), "application/json", null);
        assertThat(third.statusCode())
                .as(new String(third.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        client.awaitValue("retried_jobs_total{job=\"retry-test\",}", 7);
        // a later point of the same stream is new
        post(
                deltaCounter("retried.jobs", 3, now, now + 1_000_000_000L, "lambda-1")
                        .toByteArray(),
                "application/x-protobuf",
                null);
        client.awaitValue("retried_jobs_total{job=\"retry-test\",}", 10);
        assertThat(client.value("prom_stream_gateway_duplicate_points_total")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void unsupportedPointsAreRefusedInPartialSuccessAndBadBodiesWithAStatus() throws Exception {
        long now = System.currentTimeMillis() * 1_000_000L;
        ExportMetricsServiceRequest export = deltaCounter("partial.ok", 1, now - 1_000_000L, now, "x").toBuilder()
                .setResourceMetrics(
                        0,
                        deltaCounter("partial.ok", 1, now - 1_000_000L, now, "x").getResourceMetrics(0).toBuilder()
                                .setScopeMetrics(
                                        0,
                                        deltaCounter("partial.ok", 1, now - 1_000_000L, now, "x")
                                                .getResourceMetrics(0)
                                                .getScopeMetrics(0)
                                                .toBuilder()
                                                .addMetrics(Metric.newBuilder()
                                                        .setName("partial.exp")
                                                        .setExponentialHistogram(ExponentialHistogram.newBuilder()
                                                                .setAggregationTemporality(
                                                                        AggregationTemporality
                                                                                .AGGREGATION_TEMPORALITY_DELTA)
                                                                .addDataPoints(
                                                                        ExponentialHistogramDataPoint.newBuilder()
                                                                                .setTimeUnixNano(now)
                                                                                .setCount(1)
                                                                                .setScale(-5))))))
                .build();
        HttpResponse<byte[]> answer = post(export.toByteArray(), "application/x-protobuf", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        ExportMetricsServiceResponse response = ExportMetricsServiceResponse.parseFrom(answer.body());
        assertThat(response.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("invalid_buckets", "scale -5");
        client.awaitValue("partial_ok_total{job=\"retry-test\",}", 1);

        HttpResponse<byte[]> garbage = post(new byte[] {(byte) 0xff, 1, 2, 3}, "application/x-protobuf", null);
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(post("{not json".getBytes(StandardCharsets.UTF_8), "application/json", null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("x".getBytes(StandardCharsets.UTF_8), "text/plain", null)
                        .statusCode())
                .isEqualTo(415);
        // an old delta point: its repeat could not be recognised, so it is refused, not added
        HttpResponse<byte[]> old = post(
                deltaCounter("partial.old", 1, 1_000_000_000L, 2_000_000_000L, "x")
                        .toByteArray(),
                "application/x-protobuf",
                null);
        assertThat(ExportMetricsServiceResponse.parseFrom(old.body())
                        .getPartialSuccess()
                        .getErrorMessage())
                .contains("too_old");
    }

    @Test
    void gzipBodiesFromTheSdkAreRead() {
        OtelJavaProcess.run(
                endpoint,
                "zipped",
                "z",
                Temporality.DELTA,
                true,
                meter -> meter.counterBuilder("zipped.events").build().add(4),
                new String[0]);
        client.awaitValue("zipped_events_total{job=\"zipped\",otel_scope_name=\"otel-java-process\",}", 4);
    }

    private HttpResponse<byte[]> post(byte[] body, String contentType, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers != null) {
            headers.forEach(request::header);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** An export of one delta counter point of service {@code retry-test}. */
    static ExportMetricsServiceRequest deltaCounter(String name, long value, long start, long time, String instance) {
        return OtlpExports.deltaCounter("retry-test", name, value, start, time, instance);
    }
}
