package io.promstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.testing.GoNativePusher.Pushed;
import io.promstream.testing.GoNativePusher.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The tooling for native histograms (issue 22): the Go native pusher (client_golang 1.14) pushing to the real
 * Pushgateway (which keeps the native buckets and serves them in its protobuf exposition, though its JSON API
 * shows count and sum only) and to a recording receiver, and on into a Prometheus with native histograms enabled.
 */
class GoNativePusherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String PROTOBUF_ACCEPT =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";
    private static final String PROTOBUF_CONTENT_TYPE =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    /**
     * Schema 0 (factor 2): bucket i is (2^(i-1), 2^i]. 0.1 is in bucket -3 (0.0625, 0.125], 0.75 and 1 in bucket
     * 0, 2 in bucket 1, 3 in bucket 2, 0 in the zero bucket, -1 in negative bucket 0. client_golang fills gaps of
     * up to 2 empty buckets within one span.
     */
    private static final double[] VALUES = {1, 2, 3, 0.75, 0, -1, 0.1};

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void pushesANativeHistogramThatThePushgatewayKeeps() throws Exception {
        try (PushgatewayServer pushgateway = new PushgatewayServer().start()) {
            Pushed pushed = GoNativePusher.push(
                    "-url", pushgateway.url(),
                    "-job", "nj",
                    "-grouping", "instance=a",
                    "-label", "kind=x",
                    "-method", "PUT",
                    "-factor", "2",
                    "-values", GoNativePusher.joined(VALUES));

            assertThat(pushed.pushed()).isEqualTo("PUT");
            assertThat(pushed.name()).isEqualTo("native_request_duration_seconds");
            assertThat(pushed.count()).isEqualTo(7);
            assertThat(pushed.sum()).isEqualTo(GoNativePusher.sum(VALUES)).isEqualTo(5.85);
            assertThat(pushed.schema()).isZero();
            assertThat(pushed.zeroThreshold()).isEqualTo(0x1.0p-128); // DefNativeHistogramZeroThreshold
            assertThat(pushed.zeroCount()).isEqualTo(1);
            assertThat(pushed.positiveSpans()).containsExactly(new Span(-3, 6));
            assertThat(pushed.positiveDeltas()).containsExactly(1L, -1L, 0L, 2L, -1L, 0L);
            assertThat(pushed.positiveBuckets())
                    .containsExactlyEntriesOf(orderedMap(-3, 1, -2, 0, -1, 0, 0, 2, 1, 1, 2, 1));
            assertThat(pushed.negativeSpans()).containsExactly(new Span(0, 1));
            assertThat(pushed.negativeDeltas()).containsExactly(1L);
            assertThat(pushed.classicBuckets()).isEmpty();

            // the Pushgateway's protobuf exposition carries the native histogram as pushed, with its labels
            Metrics.MetricFamily family = family(scrapeProtobuf(pushgateway.url()), pushed.name());
            assertThat(family.getType()).isEqualTo(Metrics.MetricType.HISTOGRAM);
            assertThat(family.getMetricCount()).isEqualTo(1);
            Metrics.Metric metric = family.getMetric(0);
            assertThat(labels(metric))
                    .containsExactly(Map.entry("instance", "a"), Map.entry("job", "nj"), Map.entry("kind", "x"));
            assertSameHistogram(metric.getHistogram(), pushed);

            // its JSON API (1.5.1) shows count and sum, no native buckets
            String api = pushgateway.get("/api/v1/metrics").body();
            assertThat(api).contains("\"count\":\"7\"", "\"sum\":\"5.85\"");
        }
    }

    @Test
    void postsGeneratedValuesWithClassicBucketsInTheDelimitedProtobufFormat() {
        double[] values = GoNativePusher.generate(1000, 7, 10);
        try (PushReceiver receiver = PushReceiver.start()) {
            Pushed pushed = GoNativePusher.push(
                    "--url",
                    receiver.url() + "/prefix",
                    "--job",
                    "nj",
                    "--grouping",
                    "zone=eu",
                    "--method=POST",
                    "--factor=1.1",
                    "--classic",
                    "--observe=1000",
                    "--seed=7");

            assertThat(pushed.pushed()).isEqualTo("POST");
            assertThat(pushed.count()).isEqualTo(1000);
            assertThat(pushed.sum()).isEqualTo(GoNativePusher.sum(values)); // the generator, bit for bit
            assertThat(pushed.schema()).isEqualTo(3); // 2^(2^-3) = 1.0905 is the largest factor <= 1.1
            assertThat(pushed.zeroCount()).isZero();
            assertThat(pushed.negativeSpans()).isEmpty();
            assertThat(pushed.positiveBuckets().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(1000);
            Map<Double, Long> classic = new LinkedHashMap<>();
            for (double le : new double[] {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}) { // DefBuckets
                classic.put(le, Arrays.stream(values).filter(v -> v <= le).count());
            }
            assertThat(pushed.classicBuckets()).containsExactlyEntriesOf(classic);

            assertThat(receiver.requests()).hasSize(1);
            PushReceiver.Request request = receiver.requests().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.rawPath()).isEqualTo("/prefix/metrics/job/nj/zone/eu");
            assertThat(request.contentType()).isEqualTo(PROTOBUF_CONTENT_TYPE);
            List<Metrics.MetricFamily> families = request.families();
            assertThat(families).hasSize(1);
            Metrics.Histogram histogram = families.get(0).getMetric(0).getHistogram();
            assertSameHistogram(histogram, pushed);
            assertThat(histogram.getBucketCount()).isEqualTo(11); // the classic ones, +Inf implicit
            assertThat(histogram.getBucket(10).getCumulativeCount()).isEqualTo(1000);
        }
    }

    @Test
    void aMaximumBucketNumberLowersTheSchema() {
        try (PushReceiver receiver = PushReceiver.start()) {
            Pushed unlimited = GoNativePusher.push("-dry-run", "-factor", "1.1", "-observe", "1000", "-seed", "7");
            Pushed limited = GoNativePusher.push(
                    "-url", receiver.url(),
                    "-job", "nj",
                    "-factor", "1.1",
                    "-max-buckets", "20",
                    "-observe", "1000",
                    "-seed", "7");

            assertThat(unlimited.pushed()).isEqualTo("dry-run");
            assertThat(unlimited.schema()).isEqualTo(3);
            assertThat(nonEmpty(unlimited.positiveBuckets())).isGreaterThan(20);
            // no reset (NativeHistogramMinResetDuration 0) and no zero threshold to widen: the schema goes down
            // until at most 20 buckets are populated
            assertThat(limited.schema()).isEqualTo(1);
            assertThat(nonEmpty(limited.positiveBuckets())).isLessThanOrEqualTo(20);
            assertThat(limited.zeroThreshold()).isEqualTo(0x1.0p-128);
            assertThat(limited.count()).isEqualTo(1000);
            assertThat(limited.sum()).isEqualTo(unlimited.sum());
            assertSameHistogram(
                    receiver.awaitRequest(1, TIMEOUT)
                            .families()
                            .get(0)
                            .getMetric(0)
                            .getHistogram(),
                    limited);
        }
        assertThat(GoNativePusher.run("-dry-run", "-factor", "1").exitCode()).isEqualTo(2);
        assertThat(GoNativePusher.run("-factor", "2", "-values", "1").exitCode())
                .isEqualTo(2); // no -url/-job
    }

    @Test
    void aPushedNativeHistogramReachesPrometheusThroughThePushgateway() {
        try (PushgatewayServer pushgateway = new PushgatewayServer().start();
                PrometheusServer prometheus = PrometheusServer.startWithNativeHistograms(
                        Map.of("pushgateway", URI.create(pushgateway.url() + "/metrics")))) {
            Pushed pushed = GoNativePusher.push(pushgateway.url(), "nj", 2, VALUES, "instance=a");
            assertThat(pushed.count()).isEqualTo(7);
            String selector = "native_request_duration_seconds{exported_job=\"nj\"}";

            assertThat(prometheus.awaitValue("histogram_count(" + selector + ")", TIMEOUT))
                    .isEqualTo(7);
            assertThat(prometheus.awaitValue("histogram_sum(" + selector + ")", TIMEOUT))
                    .isEqualTo(5.85);
            List<PrometheusServer.HistogramSample> histograms = prometheus.queryHistograms(selector);
            assertThat(histograms).hasSize(1);
            assertThat(histograms.get(0).count()).isEqualTo(7);
            assertThat(histograms.get(0).sum()).isEqualTo(5.85);
            assertThat(histograms.get(0).labels())
                    .containsEntry("exported_job", "nj")
                    .containsEntry("exported_instance", "a") // no honor_labels in PrometheusServer's scrape config
                    .containsEntry("job", "pushgateway");
            assertThat(histograms.get(0).buckets())
                    .containsExactlyElementsOf(PrometheusServerNativeHistogramsTest.EXPECTED_BUCKETS);
        }
    }

    static void assertSameHistogram(Metrics.Histogram histogram, Pushed pushed) {
        assertThat(histogram.getSampleCount()).isEqualTo(pushed.count());
        assertThat(histogram.getSampleSum()).isEqualTo(pushed.sum());
        assertThat(histogram.getSchema()).isEqualTo(pushed.schema());
        assertThat(histogram.getZeroThreshold()).isEqualTo(pushed.zeroThreshold());
        assertThat(histogram.getZeroCount()).isEqualTo(pushed.zeroCount());
        assertThat(spans(histogram.getPositiveSpanList())).isEqualTo(pushed.positiveSpans());
        assertThat(histogram.getPositiveDeltaList()).isEqualTo(pushed.positiveDeltas());
        assertThat(spans(histogram.getNegativeSpanList())).isEqualTo(pushed.negativeSpans());
        assertThat(histogram.getNegativeDeltaList()).isEqualTo(pushed.negativeDeltas());
    }

    private static List<Span> spans(List<Metrics.BucketSpan> spans) {
        return spans.stream().map(s -> new Span(s.getOffset(), s.getLength())).toList();
    }

    private static long nonEmpty(Map<Integer, Long> buckets) {
        return buckets.values().stream().filter(c -> c > 0).count();
    }

    private static Map<Integer, Long> orderedMap(int... indexAndCount) {
        Map<Integer, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < indexAndCount.length; i += 2) {
            map.put(indexAndCount[i], (long) indexAndCount[i + 1]);
        }
        return map;
    }

    private static Map<String, String> labels(Metrics.Metric metric) {
        return metric.getLabelList().stream()
                .collect(Collectors.toMap(
                        Metrics.LabelPair::getName, Metrics.LabelPair::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private static Metrics.MetricFamily family(List<Metrics.MetricFamily> families, String name) {
        return families.stream()
                .filter(f -> f.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name + " in "
                        + families.stream().map(Metrics.MetricFamily::getName).toList()));
    }

    private List<Metrics.MetricFamily> scrapeProtobuf(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create(url + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Accept", PROTOBUF_ACCEPT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(PROTOBUF_CONTENT_TYPE);
        return PushReceiver.delimitedFamilies(response.body());
    }
}
