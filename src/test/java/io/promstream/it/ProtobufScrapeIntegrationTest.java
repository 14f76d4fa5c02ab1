package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.PrometheusServer;
import io.promstream.testing.ProtobufExposition;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.StaticExpositionServer;
import io.promstream.testing.TestGateways;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Prometheus 2.42 started with {@code --enable-feature=native-histograms} asks for the protobuf format first,
 * gets it from the gateway, and stores exactly the series the gateway's text exposition shows, with the values
 * pushed: JSON samples of every type through the queue, and an untyped family pushed as text.
 */
class ProtobufScrapeIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void prometheusWithNativeHistogramsScrapesProtobufAndStoresWhatWasPushed() throws Exception {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        REDIS.push(
                QUEUE,
                "{\"type\":\"counter\",\"name\":\"pb_jobs_total\",\"value\":1,\"labels\":{\"queue\":\"mail\"}}",
                "{\"type\":\"counter\",\"name\":\"pb_jobs\",\"value\":2,\"labels\":{\"queue\":\"mail\"}}",
                "{\"type\":\"gauge\",\"name\":\"pb_temp\",\"value\":20}",
                "{\"type\":\"gauge\",\"name\":\"pb_temp\",\"value\":2.5,\"op\":\"inc\"}",
                "{\"type\":\"histogram\",\"name\":\"pb_lat_seconds\",\"value\":0.00005,\"buckets\":[0.0001,0.5]}",
                "{\"type\":\"histogram\",\"name\":\"pb_lat_seconds\",\"value\":0.25,\"buckets\":[0.0001,0.5]}",
                "{\"type\":\"histogram\",\"name\":\"pb_lat_seconds\",\"value\":9,\"buckets\":[0.0001,0.5]}",
                "{\"type\":\"summary\",\"name\":\"pb_size_bytes\",\"value\":4}",
                "{\"type\":\"summary\",\"name\":\"pb_size_bytes\",\"value\":6}");
        HttpResponse<String> untyped =
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/metrics/"))
                        .POST(HttpRequest.BodyPublishers.ofString("pb_untyped{kind=\"a\"} 1027\n"))
                        .build());
        assertThat(untyped.statusCode()).as(untyped.body()).isEqualTo(200);
        client.awaitValue("pb_jobs_total{queue=\"mail\",}", 3);
        client.awaitValue("pb_temp", 22.5);
        client.awaitValue("pb_lat_seconds_count", 3);
        client.awaitValue("pb_size_bytes_count", 2);
        Map<String, Double> text = normalized(GatewayClient.samples(client.scrape()));
        assertThat(text)
                .as("the bucket bound as the text format writes it, which Prometheus' protobuf parser writes otherwise")
                .containsKey("pb_lat_seconds_bucket{le=\"1.0E-4\"}");

        try (StaticExpositionServer probe = StaticExpositionServer.start();
                PrometheusServer prometheus = PrometheusServer.start(
                        Map.of(
                                "gateway",
                                URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/metrics"),
                                "probe",
                                probe.serve(
                                        "/probe",
                                        "text/plain; version=0.0.4",
                                        "probe_up 1\n".getBytes(StandardCharsets.UTF_8))),
                        PrometheusServer.NATIVE_HISTOGRAMS)) {
            Instant started = Instant.now();
            PrometheusServer.TargetState gateway = prometheus.awaitScrape("gateway", started, Duration.ofSeconds(30));
            prometheus.awaitScrape("probe", started, Duration.ofSeconds(30));
            assertThat(gateway.up())
                    .as("scraped without error: %s", gateway.lastError())
                    .isTrue();
            assertThat(gateway.lastError()).isEmpty();
            prometheus.awaitSample("pb_temp{job=\"gateway\"}", started, Duration.ofSeconds(30));

            Map<String, Double> stored = new TreeMap<>();
            for (PrometheusServer.Sample s : prometheus.query("{__name__=~\"pb_.*\",job=\"gateway\"}")) {
                stored.put(key(s.labels()), s.value());
            }
            assertThat(stored)
                    .as("every series of the pushed families, with the values the text exposition shows")
                    .isEqualTo(new TreeMap<>(text.entrySet().stream()
                            .filter(e -> e.getKey().startsWith("pb_"))
                            .collect(Collectors.toMap(e -> canonical(e.getKey()), Map.Entry::getValue))));
            assertThat(stored)
                    .containsEntry("pb_jobs_total{queue=\"mail\"}", 3.0)
                    .containsEntry("pb_temp", 22.5)
                    .containsEntry("pb_lat_seconds_bucket{le=\"0.0001\"}", 1.0)
                    .containsEntry("pb_lat_seconds_bucket{le=\"0.5\"}", 2.0)
                    .containsEntry("pb_lat_seconds_bucket{le=\"+Inf\"}", 3.0)
                    .containsEntry("pb_lat_seconds_count", 3.0)
                    .containsEntry("pb_lat_seconds_sum", 9.25005)
                    .containsEntry("pb_size_bytes_count", 2.0)
                    .containsEntry("pb_size_bytes_sum", 10.0)
                    .containsEntry("pb_untyped{kind=\"a\"}", 1027.0);
            List<PrometheusServer.Sample> bucket =
                    prometheus.query("pb_lat_seconds_bucket{job=\"gateway\",le=\"0.0001\"}");
            assertThat(bucket)
                    .as("le=\"0.0001\" is the protobuf parser's spelling of the bound; from the text it would be"
                            + " le=\"1.0E-4\": Prometheus read the protobuf format")
                    .hasSize(1);
            assertThat(prometheus.query("prom_stream_gateway_processed_metrics_total{job=\"gateway\"}"))
                    .as("the meta metrics came along")
                    .isNotEmpty();
            assertThat(prometheus.query("jvm_memory_bytes_used{job=\"gateway\"}"))
                    .as("and the JVM's")
                    .isNotEmpty();

            String accept = probe.lastAccept("/probe");
            assertThat(accept)
                    .startsWith("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                            + "encoding=delimited");
            HttpResponse<byte[]> direct = get("/metrics", accept);
            assertThat(direct.headers().firstValue("Content-Type"))
                    .as("what the gateway answers Prometheus' Accept header")
                    .hasValue("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
                            + "encoding=delimited");
            assertThat(direct.headers().firstValue("Content-Encoding")).hasValue("gzip");
            List<Metrics.MetricFamily> families = ProtobufExposition.decode(gunzip(direct.body()));
            assertThat(families)
                    .extracting(Metrics.MetricFamily::getName)
                    .contains("pb_jobs_total", "pb_temp", "pb_lat_seconds", "pb_size_bytes", "pb_untyped")
                    .contains("prom_stream_gateway_processed_metrics_total", "jvm_memory_bytes_used");
        }
    }

    @Test
    void theNameFilterKeepsItsFamiliesInProtobufToo() throws Exception {
        REDIS.push(
                QUEUE,
                "{\"type\":\"counter\",\"name\":\"pf_a_total\",\"value\":1}",
                "{\"type\":\"gauge\",\"name\":\"pf_b\",\"value\":1}");
        new GatewayClient(APP.getLocalPort(), APP.getAdminPort()).awaitValue("pf_b", 1);
        HttpResponse<byte[]> filtered = get(
                "/metrics?name[]=pf_a_total&name[]=prom_stream_gateway_series",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
        assertThat(filtered.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(ProtobufExposition.decode(filtered.body()))
                .extracting(Metrics.MetricFamily::getName)
                .containsExactly("prom_stream_gateway_series", "pf_a_total");
    }

    private HttpResponse<byte[]> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .header("Accept", accept);
        if (!path.contains("?")) {
            request.header("Accept-Encoding", "gzip");
        }
        HttpResponse<byte[]> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    /** The text exposition's series, keyed as {@link #key} keys Prometheus' series. */
    private static Map<String, Double> normalized(Map<String, Double> samples) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> out.put(k.replace(",}", "}"), v));
        return out;
    }

    /** A text series key with its {@code le} or {@code quantile} bound spelled as Prometheus' protobuf parser does. */
    private static String canonical(String key) {
        Matcher bound = Pattern.compile("(le|quantile)=\"([^\"]+)\"").matcher(key);
        if (!bound.find()) {
            return key;
        }
        double value = bound.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound.group(2));
        return key.substring(0, bound.start(2)) + goFloat(value) + key.substring(bound.end(2));
    }

    /** Go's {@code strconv.FormatFloat(f, 'g', -1, 64)} with ".0" for integers, for the few bounds used here. */
    private static String goFloat(double f) {
        if (f == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (f == Math.rint(f)) {
            return (long) f + ".0";
        }
        return BigDecimal.valueOf(f).stripTrailingZeros().toPlainString();
    }

    /** Prometheus' series as the text format keys it, without the target's labels. */
    private static String key(Map<String, String> labels) {
        StringBuilder out = new StringBuilder(labels.get("__name__"));
        StringBuilder inner = new StringBuilder();
        new TreeMap<>(labels).forEach((name, value) -> {
            if (!name.equals("__name__") && !name.equals("job") && !name.equals("instance")) {
                inner.append(inner.isEmpty() ? "" : ",")
                        .append(name)
                        .append("=\"")
                        .append(value)
                        .append('"');
            }
        });
        return inner.isEmpty()
                ? out.toString()
                : out.append('{').append(inner).append('}').toString();
    }
}
