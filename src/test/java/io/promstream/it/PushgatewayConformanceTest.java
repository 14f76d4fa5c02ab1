package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.Exposition;
import io.promstream.testing.ExternalProcess;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.PushgatewayServer;
import io.promstream.testing.PythonClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replace mode against the real Pushgateway (Debian's 1.5.1): the same sequence of PUT, POST and DELETE pushes, in
 * the text and the protobuf format, goes to both, and after each step both expose the same series with the same
 * values (push times compared as "set" or "0"); refusals are refused by both. Documented differences are asserted
 * as such, not hidden.
 */
class PushgatewayConformanceTest {
    private static final String PROTOBUF =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
    private static final Set<String> PUSH_TIMES = Set.of("push_time_seconds", "push_failure_time_seconds");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(
            REDIS,
            ConfigOverride.config("http.pushMode", "replace"),
            ConfigOverride.config("metaMetrics.enabled", "false"));

    private static PushgatewayServer pushgateway;
    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayClient ours;

    @BeforeAll
    static void startPushgateway() {
        pushgateway = new PushgatewayServer().start();
    }

    @AfterAll
    static void stopPushgateway() {
        if (pushgateway != null) {
            pushgateway.close();
        }
    }

    @BeforeEach
    void clean() {
        ours = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        pushgateway.wipe();
        assertThat(send(ours(), "PUT", "/api/v1/admin/wipe", null, null).statusCode())
                .isEqualTo(202);
        ours.adminPost("/tasks/reset-series");
    }

    private String ours() {
        return "http://127.0.0.1:" + APP.getLocalPort();
    }

    private HttpResponse<String> send(String base, String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(method + " " + base + path, e);
        }
    }

    /** Sends the same request to both; both must answer with the same status. */
    private int both(String method, String path, String contentType, byte[] body) {
        HttpResponse<String> theirs = send(pushgateway.url(), method, path, contentType, body);
        HttpResponse<String> mine = send(ours(), method, path, contentType, body);
        assertThat(mine.statusCode())
                .as(
                        "%s %s: the Pushgateway answered %s %s, we answered %s %s",
                        method, path, theirs.statusCode(), theirs.body(), mine.statusCode(), mine.body())
                .isEqualTo(theirs.statusCode());
        return mine.statusCode();
    }

    private int bothText(String method, String path, String text) {
        return both(method, path, "text/plain; version=0.0.4", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The pushed series of both, compared: push times as set (1) or unset (0), everything else as is. One documented
     * difference is allowed for: a counter pushed without {@code _total} (here {@code x}) is exposed by us as
     * {@code x_total}, as every counter (the Pushgateway exposes it as pushed).
     */
    private void assertSameSeries(Set<String> families) {
        Map<String, Double> theirs = pushed(pushgateway.scrape(), families);
        Map<String, Double> mine = new TreeMap<>();
        pushed(ours.scrape(), families).forEach((key, value) -> {
            String name = key.substring(0, key.indexOf('{'));
            String bare =
                    name.endsWith("_total") ? name.substring(0, name.length() - 6) + key.substring(name.length()) : key;
            mine.put(!theirs.containsKey(key) && theirs.containsKey(bare) ? bare : key, value);
        });
        assertThat(mine).as("our series (left) against the Pushgateway's").isEqualTo(theirs);
    }

    private static Map<String, Double> pushed(String exposition, Set<String> families) {
        Map<String, Double> out = new TreeMap<>();
        Exposition.parse(
                        exposition,
                        name -> families.stream().anyMatch(f -> name.equals(f) || name.startsWith(f + "_"))
                                || PUSH_TIMES.contains(name))
                .forEach((key, value) -> out.put(
                        key,
                        PUSH_TIMES.contains(key.substring(0, key.indexOf('{'))) ? (value > 0 ? 1.0 : 0.0) : value));
        return out;
    }

    @Test
    void putPostAndDeleteInTheTextFormat() {
        Set<String> families = Set.of("app_requests_total", "app_temp", "app_latency", "app_size", "app_new");
        assertThat(bothText("PUT", "/metrics/job/conf/instance/i1", """
                # HELP app_requests_total Requests.
                # TYPE app_requests_total counter
                app_requests_total{path="/a"} 3
                app_requests_total{path="/b"} 4
                # TYPE app_temp gauge
                app_temp 1.5
                # TYPE app_latency histogram
                app_latency_bucket{le="0.5"} 1
                app_latency_bucket{le="1"} 3
                app_latency_bucket{le="+Inf"} 4
                app_latency_sum 2.5
                app_latency_count 4
                # TYPE app_size summary
                app_size{quantile="0.5"} 10
                app_size{quantile="0.99"} 42
                app_size_sum 100
                app_size_count 7
                """)).isEqualTo(200);
        assertSameSeries(families);

        // POST replaces only the families it pushes, and adds new ones
        assertThat(bothText(
                        "POST", "/metrics/job/conf/instance/i1", "# TYPE app_temp gauge\napp_temp 2.5\napp_new 7\n"))
                .isEqualTo(200);
        assertSameSeries(families);

        // another group may hold the same names with other labels
        assertThat(bothText(
                        "PUT",
                        "/metrics/job/conf/instance/i2",
                        "# TYPE app_requests_total counter\napp_requests_total{path=\"/a\"} 5\n"))
                .isEqualTo(200);
        assertSameSeries(families);

        // PUT replaces the whole group
        assertThat(bothText("PUT", "/metrics/job/conf/instance/i1", "app_new 8\n"))
                .isEqualTo(200);
        assertSameSeries(families);

        // a push with a timestamp is refused, and the group's failure time is set
        assertThat(bothText("POST", "/metrics/job/conf/instance/i1", "app_new 9 1700000000000\n"))
                .isEqualTo(400);
        assertSameSeries(families);

        assertThat(both("DELETE", "/metrics/job/conf/instance/i1", null, null)).isEqualTo(202);
        Await.until(
                Duration.ofSeconds(10),
                () -> !pushgateway.scrape().contains("instance=\"i1\""),
                "the Pushgateway deletes asynchronously");
        assertSameSeries(families);
    }

    @Test
    void untypedIsTakenAsPushedAndExposedAsUntyped() {
        Set<String> families = Set.of("un_x");
        assertThat(bothText("PUT", "/metrics/job/un", "un_x{a=\"1\"} 3\nun_x{a=\"2\"} -4\n"))
                .isEqualTo(200);
        assertThat(bothText("POST", "/metrics/job/un", "un_x{a=\"1\"} 5\n")).isEqualTo(200);
        assertSameSeries(families);
        assertThat(ours.value("un_x{a=\"1\",instance=\"\",job=\"un\",}"))
                .as("the last push, not a sum")
                .isEqualTo(5.0);
        assertThat(pushgateway.scrape()).contains("# TYPE un_x untyped\n");
        assertThat(ours.scrape()).contains("# TYPE un_x untyped\n");

        // a documented difference (docs/migrating.md): a push that gives a family the group holds another type is
        // refused as a type conflict; the Pushgateway replaces the family
        assertThat(bothText("PUT", "/metrics/job/un2", "# TYPE un_y gauge\nun_y 1\n"))
                .isEqualTo(200);
        assertThat(send(
                                pushgateway.url(),
                                "POST",
                                "/metrics/job/un2",
                                "text/plain; version=0.0.4",
                                "un_y 2\n".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                ours(),
                                "POST",
                                "/metrics/job/un2",
                                "text/plain; version=0.0.4",
                                "un_y 2\n".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(400);
        assertThat(ours.value("un_y{instance=\"\",job=\"un2\",}")).isEqualTo(1.0);
    }

    @Test
    void groupingLabelsOverwritePushedOnesAndInstanceIsAddedEmpty() {
        Set<String> families = Set.of("ov_m", "ov_n");
        assertThat(bothText(
                        "PUT",
                        "/metrics/job/g/instance/i1/zone/z1",
                        "ov_m{zone=\"z1\",x=\"1\"} 1\nov_m{zone=\"other\",x=\"2\"} 2\n"
                                + "ov_m{job=\"pushedjob\",instance=\"pushedinst\",x=\"3\"} 3\n"))
                .isEqualTo(200);
        assertThat(bothText("PUT", "/metrics/job/g2", "ov_n{instance=\"pi\",x=\"1\"} 1\nov_n{x=\"2\"} 2\n"))
                .isEqualTo(200);
        assertSameSeries(families);
        assertThat(ours.scrape()).contains("ov_n{instance=\"\",job=\"g2\",x=\"2\",} 2.0");
        // base64 and padding map to the same group
        assertThat(bothText("PUT", "/metrics/job@base64/Zm9vL2Jhcg", "ov_m 4\n"))
                .isEqualTo(200);
        assertThat(bothText("PUT", "/metrics/job@base64/Zm9vL2Jhcg==", "ov_m 5\n"))
                .isEqualTo(200);
        assertSameSeries(families);
    }

    @Test
    void theConsistencyChecksRefuseWhatThePushgatewayRefuses() {
        Set<String> families = Set.of("cc_c", "cc_m", "cc_d");
        assertThat(bothText("PUT", "/metrics/job/cc1", "# TYPE cc_c counter\ncc_c 1\n"))
                .isEqualTo(200);
        // the same name with another type in another group
        assertThat(bothText("PUT", "/metrics/job/cc2", "# TYPE cc_c gauge\ncc_c 1\n"))
                .isEqualTo(400);
        // the same series twice in one push
        assertThat(bothText("PUT", "/metrics/job/cc3", "cc_d{x=\"1\"} 1\ncc_d{x=\"1\"} 2\n"))
                .isEqualTo(400);
        // a series equal to another group's
        assertThat(bothText("PUT", "/metrics/job/cg", "cc_m{instance=\"i1\"} 1\n"))
                .isEqualTo(200);
        assertThat(bothText("PUT", "/metrics/job/cg/instance/i1", "cc_m 2\n")).isEqualTo(400);
        // a label name the Pushgateway's rules refuse
        assertThat(bothText("PUT", "/metrics/job/cc4/1bad/x", "cc_d 1\n")).isEqualTo(400);
        assertThat(bothText("PUT", "/metrics/job/cc4/odd", "cc_d 1\n")).isEqualTo(400);
        assertSameSeries(families);
        assertThat(ours.scrape())
                .as("the failed pushes left a failure time on their groups")
                .contains("push_failure_time_seconds{instance=\"\",job=\"cc2\",}");
    }

    @Test
    void infiniteGaugesAndUntypedAreStoredAsByThePushgateway() throws Exception {
        // client_python's Gauge.set(float('inf')), and an untyped family, pushed by the real client to both
        String script = """
                from prometheus_client import CollectorRegistry, Gauge, push_to_gateway
                from prometheus_client.core import UntypedMetricFamily
                class Loose:
                    def collect(self):
                        u = UntypedMetricFamily('inf_u', 'Untyped.', labels=['side'])
                        u.add_metric(['up'], float('inf'))
                        u.add_metric(['down'], float('-inf'))
                        yield u
                registry = CollectorRegistry()
                g = Gauge('inf_g', 'A gauge.', ['side'], registry=registry)
                g.labels('up').set(float('inf'))
                g.labels('down').set(float('-inf'))
                registry.register(Loose())
                for url in ('%s', '%s'):
                    push_to_gateway(url, job='inf', registry=registry)
                """.formatted(pushgateway.url(), ours());
        ExternalProcess.Result run = PythonClient.inline(script);
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertSameSeries(Set.of("inf_g", "inf_u"));
        assertThat(ours.scrape())
                .contains("inf_g{instance=\"\",job=\"inf\",side=\"up\",} +Inf\n")
                .contains("inf_g{instance=\"\",job=\"inf\",side=\"down\",} -Inf\n")
                .contains("inf_u{instance=\"\",job=\"inf\",side=\"up\",} +Inf\n")
                .contains("inf_u{instance=\"\",job=\"inf\",side=\"down\",} -Inf\n");

        // the protobuf format too; a counter's +Inf stays refused by us (stricter input, docs/migrating.md)
        byte[] gauge = protobuf(Metrics.MetricFamily.newBuilder()
                .setName("inf_pb")
                .setType(Metrics.MetricType.GAUGE)
                .addMetric(Metrics.Metric.newBuilder()
                        .setGauge(Metrics.Gauge.newBuilder().setValue(Double.NEGATIVE_INFINITY)))
                .build());
        assertThat(both("PUT", "/metrics/job/infpb", PROTOBUF, gauge)).isEqualTo(200);
        assertSameSeries(Set.of("inf_pb"));
        assertThat(ours.value("inf_pb{instance=\"\",job=\"infpb\",}")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(send(
                                ours(),
                                "PUT",
                                "/metrics/job/infc",
                                "text/plain; version=0.0.4",
                                "# TYPE inf_c counter\n".concat("inf_c +Inf\n").getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void theProtobufFormat() throws Exception {
        Set<String> families = Set.of("pb_c", "pb_g", "pb_h", "pb_s");
        byte[] body = protobuf(
                Metrics.MetricFamily.newBuilder()
                        .setName("pb_c")
                        .setHelp("A counter.")
                        .setType(Metrics.MetricType.COUNTER)
                        .addMetric(Metrics.Metric.newBuilder()
                                .addLabel(label("a", "x"))
                                .setCounter(Metrics.Counter.newBuilder().setValue(3)))
                        .build(),
                Metrics.MetricFamily.newBuilder()
                        .setName("pb_g")
                        .setType(Metrics.MetricType.GAUGE)
                        .addMetric(Metrics.Metric.newBuilder()
                                .setGauge(Metrics.Gauge.newBuilder().setValue(1.5)))
                        .build(),
                Metrics.MetricFamily.newBuilder()
                        .setName("pb_h")
                        .setHelp("A histogram.")
                        .setType(Metrics.MetricType.HISTOGRAM)
                        .addMetric(Metrics.Metric.newBuilder()
                                .setHistogram(Metrics.Histogram.newBuilder()
                                        .setSampleCount(4)
                                        .setSampleSum(8)
                                        .addBucket(Metrics.Bucket.newBuilder()
                                                .setUpperBound(1)
                                                .setCumulativeCount(1))
                                        .addBucket(Metrics.Bucket.newBuilder()
                                                .setUpperBound(2)
                                                .setCumulativeCount(3))))
                        .build(),
                Metrics.MetricFamily.newBuilder()
                        .setName("pb_s")
                        .setType(Metrics.MetricType.SUMMARY)
                        .addMetric(Metrics.Metric.newBuilder()
                                .setSummary(Metrics.Summary.newBuilder()
                                        .setSampleCount(10)
                                        .setSampleSum(20.5)
                                        .addQuantile(Metrics.Quantile.newBuilder()
                                                .setQuantile(0.5)
                                                .setValue(1))
                                        .addQuantile(Metrics.Quantile.newBuilder()
                                                .setQuantile(0.99)
                                                .setValue(2))))
                        .build());
        assertThat(both("PUT", "/metrics/job/pb1", PROTOBUF, body)).isEqualTo(200);
        assertSameSeries(families);
        // a truncated stream is refused by both
        assertThat(both("PUT", "/metrics/job/pb2", PROTOBUF, Arrays.copyOf(body, body.length - 3)))
                .isEqualTo(400);
        // a sample with a timestamp too
        byte[] stamped = protobuf(Metrics.MetricFamily.newBuilder()
                .setName("pb_g")
                .setType(Metrics.MetricType.GAUGE)
                .addMetric(Metrics.Metric.newBuilder()
                        .setTimestampMs(1_700_000_000_000L)
                        .setGauge(Metrics.Gauge.newBuilder().setValue(2)))
                .build());
        assertThat(both("POST", "/metrics/job/pb1", PROTOBUF, stamped)).isEqualTo(400);
        assertSameSeries(families);
    }

    @Test
    void anEmptyPutLeavesOnlyThePushTimes() {
        assertThat(bothText("PUT", "/metrics/job/empty", "")).isEqualTo(200);
        assertSameSeries(Set.of());
        assertThat(ours.scrape()).contains("push_time_seconds{instance=\"\",job=\"empty\",}");
    }

    @Test
    void theApiListsTheSameGroupsAndTheProbesAnswer() throws Exception {
        assertThat(bothText(
                        "PUT",
                        "/metrics/job/api/instance/i1",
                        "# HELP api_c A counter.\n# TYPE api_c_total counter\napi_c_total{path=\"/a\"} 3\napi_g 1.5\n"))
                .isEqualTo(200);
        JsonNode theirs = JSON.readTree(
                send(pushgateway.url(), "GET", "/api/v1/metrics", null, null).body());
        JsonNode mine =
                JSON.readTree(send(ours(), "GET", "/api/v1/metrics", null, null).body());
        assertThat(mine.get("status").asText()).isEqualTo("success");
        assertThat(mine.get("data")).hasSize(theirs.get("data").size());
        JsonNode theirGroup = theirs.get("data").get(0);
        JsonNode myGroup = mine.get("data").get(0);
        assertThat(myGroup.get("labels")).isEqualTo(theirGroup.get("labels"));
        assertThat(myGroup.get("last_push_successful")).isEqualTo(theirGroup.get("last_push_successful"));
        for (String family : new String[] {"api_c_total", "api_g"}) {
            String name = family.equals("api_c_total") ? "api_c" : family; // our counter family drops _total
            assertThat(myGroup.get(name).get("metrics"))
                    .as(family)
                    .isEqualTo(theirGroup.get(family).get("metrics"));
        }
        Iterator<String> fields = myGroup.fieldNames();
        assertThat(fields).toIterable().contains("push_time_seconds", "push_failure_time_seconds");
        for (String probe : new String[] {"/-/healthy", "/-/ready"}) {
            assertThat(send(ours(), "GET", probe, null, null).statusCode()).isEqualTo(200);
        }
        assertThat(send(ours(), "GET", "/api/v1/status", null, null).body()).contains("\"status\":\"success\"");
        assertThat(send(ours(), "PUT", "/api/v1/admin/wipe", null, null).statusCode())
                .isEqualTo(202);
        assertThat(JSON.readTree(send(ours(), "GET", "/api/v1/metrics", null, null)
                                .body())
                        .get("data"))
                .isEmpty();
    }

    private static Metrics.LabelPair label(String name, String value) {
        return Metrics.LabelPair.newBuilder().setName(name).setValue(value).build();
    }

    private static byte[] protobuf(Metrics.MetricFamily... families) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Metrics.MetricFamily family : families) {
            family.writeDelimitedTo(out);
        }
        return out.toByteArray();
    }
}
