package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.prometheus.client.Collector;
import io.promstream.GatewayConfiguration;
import io.promstream.parse.NativeHistogram;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GoNativePusher;
import io.promstream.testing.PrometheusServer;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Native histograms from the real Go client (client_golang 1.14 pushing protobuf with a native-histogram bucket
 * factor) and from JSON senders: senders of different schemas add up into one series at the coarsest schema,
 * exactly as adding their histograms in Prometheus' way gives; a replace-mode push is kept as pushed.
 */
class NativeHistogramIntegrationTest {
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

    /** The histogram a pusher printed, as a {@link NativeHistogram}. */
    static NativeHistogram asPushed(GoNativePusher.Pushed p) {
        NativeHistogram h =
                new NativeHistogram(p.schema(), p.zeroThreshold()).totals(p.zeroCount(), p.count(), p.sum());
        p.positiveBuckets().forEach((index, n) -> h.positive().add(index, n));
        p.negativeBuckets().forEach((index, n) -> h.negative().add(index, n));
        return h;
    }

    /** Every bucket of the text exposition's classic rendering of {@code name}{@code labels} is the expected one. */
    private void assertRendered(String name, String labels, NativeHistogram expected) {
        Map<String, Double> samples = GatewayClient.samples(client.scrape());
        assertThat(samples.get(name + "_count{" + labels + "}")).isEqualTo((double) expected.count());
        assertThat(samples.get(name + "_sum{" + labels + "}")).isCloseTo(expected.sum(), offset(1e-9));
        double[] bounds = expected.classicBounds();
        long[] counts = expected.classicCounts();
        for (int i = 0; i < bounds.length; i++) {
            String series = name + "_bucket{" + labels + "le=\"" + Collector.doubleToGoString(bounds[i]) + "\",}";
            assertThat(samples.get(series)).as(series).isEqualTo((double) counts[i]);
        }
    }

    @Test
    void sendersOfDifferentSchemasAddUpAtTheCoarsest() throws Exception {
        double[] factors = {1.1, 1.5, 2};
        NativeHistogram expected = null;
        for (int sender = 0; sender < factors.length; sender++) {
            double[] values = GoNativePusher.generate(200, 100 + sender, 10);
            values[0] = -values[0]; // a negative observation too
            GoNativePusher.Pushed pushed = GoNativePusher.push(base + "/aggregate", "native", factors[sender], values);
            NativeHistogram h = asPushed(pushed);
            if (expected == null) {
                expected = h;
            } else {
                expected.add(h);
            }
        }
        assertThat(expected.schema()).isZero(); // factor 2
        for (double v : new double[] {0.3, 7.5, 0}) {
            String json =
                    "{\"type\":\"histogram\",\"name\":\"native_request_duration_seconds\",\"labels\":{\"job\":\"native\"},"
                            + "\"schema\":3,\"value\":" + v + "}";
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/api/metrics"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(json))
                                    .build())
                            .statusCode())
                    .isEqualTo(200);
            expected.observe(v);
        }
        client.awaitValue("native_request_duration_seconds_count{job=\"native\",}", expected.count());
        assertRendered("native_request_duration_seconds", "job=\"native\",", expected);
    }

    @Test
    void prometheusWithNativeHistogramsQueriesThemWithinTheSchemasError() throws Exception {
        // two client_golang senders (bucket factors 1.1 and 1.2: schemas 3 and 2) and JSON senders at schemas 3
        // and 2: the series ends at schema 2, buckets 2^(1/4) wide
        double[] first = GoNativePusher.generate(200, 41, 5);
        double[] second = GoNativePusher.generate(200, 43, 5);
        GoNativePusher.push(
                "-url",
                base + "/aggregate",
                "-job",
                "nq",
                "-name",
                "nq_seconds",
                "-factor",
                "1.1",
                "-values",
                GoNativePusher.joined(first));
        GoNativePusher.push(
                "-url",
                base + "/aggregate",
                "-job",
                "nq",
                "-name",
                "nq_seconds",
                "-factor",
                "1.2",
                "-values",
                GoNativePusher.joined(second));
        double[] json = GoNativePusher.generate(300, 42, 5);
        double[] values = new double[first.length + second.length + json.length];
        System.arraycopy(first, 0, values, 0, first.length);
        System.arraycopy(second, 0, values, first.length, second.length);
        System.arraycopy(json, 0, values, first.length + second.length, json.length);
        for (int i = 0; i < json.length; i++) {
            String sample = "{\"type\":\"histogram\",\"name\":\"nq_seconds\",\"labels\":{\"job\":\"nq\"},"
                    + "\"schema\":" + (i % 3 == 2 ? 2 : 3) + ",\"value\":" + json[i] + "}";
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/api/metrics"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(sample))
                                    .build())
                            .statusCode())
                    .isEqualTo(200);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double width = Math.pow(2, Math.pow(2, -2));
        try (PrometheusServer prometheus = PrometheusServer.start(
                Map.of("gateway", URI.create(base + "/metrics")), PrometheusServer.NATIVE_HISTOGRAMS)) {
            assertThat(prometheus.awaitValue("histogram_count(nq_seconds)", Duration.ofSeconds(60)))
                    .isEqualTo(values.length);
            assertThat(prometheus.awaitValue("histogram_sum(nq_seconds)", Duration.ofSeconds(10)))
                    .isCloseTo(GoNativePusher.sum(values), offset(1e-9));
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                double exact = sorted[(int) Math.ceil(q * values.length) - 1];
                double estimate =
                        prometheus.awaitValue("histogram_quantile(" + q + ", nq_seconds)", Duration.ofSeconds(10));
                assertThat(estimate / exact)
                        .as("p%s: %s against the exact %s", q, estimate, exact)
                        .isBetween(1 / width, width);
            }
            assertThat(prometheus.queryHistograms("nq_seconds")).hasSize(1); // stored as a native histogram
        }
    }

    @Test
    void aReplaceModePushIsKeptAsPushed() {
        GoNativePusher.Pushed pushed =
                GoNativePusher.push(base + "/replace", "native_group", 1.1, GoNativePusher.generate(100, 5, 3));
        NativeHistogram expected = asPushed(pushed);
        assertThat(expected.schema()).isEqualTo(3);
        client.awaitValue(
                "native_request_duration_seconds_count{instance=\"\",job=\"native_group\",}", expected.count());
        assertRendered("native_request_duration_seconds", "instance=\"\",job=\"native_group\",", expected);
    }
}
