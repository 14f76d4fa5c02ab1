package io.promstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.testing.PrometheusServer.HistogramBucket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PrometheusServer#startWithNativeHistograms}: Debian's Prometheus (2.42) with
 * {@code --enable-feature=native-histograms} scrapes a protobuf native histogram (built here with the generated
 * classes) and answers histogram_count, histogram_sum, histogram_quantile and the histogram itself.
 */
class PrometheusServerNativeHistogramsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String PROTOBUF_CONTENT_TYPE =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    /**
     * The populated buckets of the histogram of observations 1, 2, 3, 0.75, 0, -1, 0.1 at schema 0 (bucket i is
     * (2^(i-1), 2^i]) with the default zero threshold 2^-128, as Prometheus' JSON lists them: negative, zero,
     * then positive buckets, the empty ones left out.
     */
    static final List<HistogramBucket> EXPECTED_BUCKETS = List.of(
            new HistogramBucket(1, -1, -0.5, 1),
            new HistogramBucket(3, -0x1.0p-128, 0x1.0p-128, 1),
            new HistogramBucket(0, 0.0625, 0.125, 1),
            new HistogramBucket(0, 0.5, 1, 2),
            new HistogramBucket(0, 1, 2, 1),
            new HistogramBucket(0, 2, 4, 1));

    @Test
    void scrapesAndQueriesAProtobufNativeHistogram() {
        // the same histogram as GoNativePusherTest's VALUES at factor 2, as client_golang encodes it
        Metrics.MetricFamily family = Metrics.MetricFamily.newBuilder()
                .setName("static_native_seconds")
                .setHelp("A native histogram.")
                .setType(Metrics.MetricType.HISTOGRAM)
                .addMetric(Metrics.Metric.newBuilder()
                        .addLabel(Metrics.LabelPair.newBuilder().setName("kind").setValue("x"))
                        .setHistogram(Metrics.Histogram.newBuilder()
                                .setSampleCount(7)
                                .setSampleSum(5.85)
                                .setSchema(0)
                                .setZeroThreshold(0x1.0p-128)
                                .setZeroCount(1)
                                .addNegativeSpan(Metrics.BucketSpan.newBuilder()
                                        .setOffset(0)
                                        .setLength(1))
                                .addNegativeDelta(1)
                                .addPositiveSpan(Metrics.BucketSpan.newBuilder()
                                        .setOffset(-3)
                                        .setLength(6))
                                .addAllPositiveDelta(List.of(1L, -1L, 0L, 2L, -1L, 0L))))
                .build();
        try (StaticExpositionServer target = StaticExpositionServer.start()) {
            URI url = target.serve("/metrics", PROTOBUF_CONTENT_TYPE, delimited(family));
            try (PrometheusServer prometheus = PrometheusServer.startWithNativeHistograms(Map.of("static", url))) {
                assertThat(prometheus.awaitValue("histogram_count(static_native_seconds)", TIMEOUT))
                        .isEqualTo(7);
                assertThat(prometheus.awaitValue("histogram_sum(static_native_seconds)", TIMEOUT))
                        .isEqualTo(5.85);
                // rank 3.5 of 7 is a quarter into bucket (0.5, 1] (cumulative 3 below it, 2 in it); 2.42
                // interpolates linearly within a bucket
                assertThat(prometheus.awaitValue("histogram_quantile(0.5, static_native_seconds)", TIMEOUT))
                        .isEqualTo(0.625);

                List<PrometheusServer.HistogramSample> histograms = prometheus.queryHistograms("static_native_seconds");
                assertThat(histograms).hasSize(1);
                assertThat(histograms.get(0).labels())
                        .containsExactly(
                                Map.entry("__name__", "static_native_seconds"),
                                Map.entry("instance", url.getRawAuthority()),
                                Map.entry("job", "static"),
                                Map.entry("kind", "x"));
                assertThat(histograms.get(0).count()).isEqualTo(7);
                assertThat(histograms.get(0).sum()).isEqualTo(5.85);
                assertThat(histograms.get(0).buckets()).containsExactlyElementsOf(EXPECTED_BUCKETS);
                assertThat(prometheus
                                .queryRaw("static_native_seconds")
                                .path("result")
                                .get(0)
                                .has("histogram"))
                        .isTrue();
                assertThatThrownBy(() -> prometheus.query("static_native_seconds"))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("native histogram");

                // Prometheus asked for protobuf first
                assertThat(target.lastAccept("/metrics"))
                        .startsWith("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily");
            }
        }
    }

    private static byte[] delimited(Metrics.MetricFamily... families) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (Metrics.MetricFamily family : families) {
                family.writeDelimitedTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
