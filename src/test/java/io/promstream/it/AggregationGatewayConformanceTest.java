package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Exposition;
import io.promstream.testing.ExternalProcess;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.PythonClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * zapier's prom-aggregation-gateway, case by case: the input/expected cases of its public test suite
 * ({@code metrics/aggregate_test.go}, {@code routers/router_test.go}), ported to HTTP pushes against our gateway,
 * and the examples of its README (untyped samples add up, as theirs do). Where we deliberately differ (gauges
 * replace rather than sum; a histogram whose
 * {@code _count} differs from its {@code +Inf} bucket, or of another layout, is refused rather than merged; the
 * same series twice in one push is refused; a repeated path label keeps its last value) the test says so.
 * Series are compared by name, labels and value, never by bytes (our text format writes {@code 60.0}, a trailing
 * comma, and counters with {@code _total}).
 */
class AggregationGatewayConformanceTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP =
            TestGateways.extension(REDIS, ConfigOverride.config("http.basicUsers.user", "password"));

    private static final String AUTH =
            "Basic " + Base64.getEncoder().encodeToString("user:password".getBytes(StandardCharsets.UTF_8));

    private GatewayClient client;

    @BeforeEach
    void clean() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        client.adminPost("/tasks/reset-series");
    }

    private HttpResponse<String> push(String method, String path, String body) {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .header("Authorization", AUTH)
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** The series of these families (sample names starting with one of them). */
    private Map<String, Double> series(String... families) {
        Map<String, Double> out = new TreeMap<>();
        Exposition.parse(client.scrape(), name -> {
                    for (String f : families) {
                        if (name.equals(f) || name.startsWith(f + "_")) {
                            return true;
                        }
                    }
                    return false;
                })
                .forEach(out::put);
        return out;
    }

    private void pushBoth(String first, String second) {
        assertThat(push("PUT", "/metrics/job/test", first).statusCode()).isEqualTo(200);
        assertThat(push("PUT", "/metrics/job/test", second).statusCode()).isEqualTo(200);
    }

    // ---- metrics/aggregate_test.go ----

    private static final String GAUGE_INPUT = """

            # HELP ui_external_lib_loaded A gauge with entries in un-sorted order
            # TYPE ui_external_lib_loaded gauge
            ui_external_lib_loaded{name="ga",loaded="true"} 1
            ui_external_lib_loaded{name="Intercom",loaded="true"} 1
            ui_external_lib_loaded{name="mixpanel",loaded="true"} 1
            """;

    @Test
    void simpleGaugeDiffersGaugesReplaceRatherThanSum() {
        pushBoth(GAUGE_INPUT, GAUGE_INPUT);
        // theirs: 2 each (gauges summed); ours: 1 each, the last value pushed
        assertThat(series("ui_external_lib_loaded"))
                .isEqualTo(Map.of(
                        "ui_external_lib_loaded{job=\"test\",loaded=\"true\",name=\"Intercom\"}", 1.0,
                        "ui_external_lib_loaded{job=\"test\",loaded=\"true\",name=\"ga\"}", 1.0,
                        "ui_external_lib_loaded{job=\"test\",loaded=\"true\",name=\"mixpanel\"}", 1.0));
    }

    private static String histogramInput(int gauge, int counter, int[] cumulative, double sum, int count) {
        StringBuilder text = new StringBuilder("\n# HELP gauge A gauge\n# TYPE gauge gauge\ngauge " + gauge
                + "\n# HELP counter A counter\n# TYPE counter counter\ncounter " + counter
                + "\n# HELP histogram A histogram\n# TYPE histogram histogram\n");
        for (int i = 0; i < cumulative.length; i++) {
            text.append("histogram_bucket{le=\"")
                    .append(i + 1)
                    .append("\"} ")
                    .append(cumulative[i])
                    .append('\n');
        }
        return text.append("histogram_bucket{le=\"+Inf\"} ")
                .append(cumulative[cumulative.length - 1])
                .append("\nhistogram_sum{} ")
                .append(sum)
                .append("\nhistogram_count ")
                .append(count)
                .append('\n')
                .toString();
    }

    @Test
    void inIsRefusedAsGivenAndMatchesTheirPullRequestOnceConsistent() {
        int[] first = {0, 0, 3, 4, 4, 4, 4, 4, 4, 4};
        int[] second = {0, 0, 0, 4, 5, 5, 5, 5, 5, 5};
        // their fixture's _count (1) differs from its +Inf bucket (4, 5): OpenMetrics parsers refuse such a
        // histogram, so we refuse the push whole, nothing applied
        HttpResponse<String> refused = push("PUT", "/metrics/job/test", histogramInput(42, 31, first, 2.5, 1));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("differs from its +Inf bucket");
        assertThat(series("gauge", "counter", "histogram")).isEmpty();
        // consistent counts: the counter sums (60), the gauge is the last value (57, theirs sums to 99), the
        // histogram adds bucket by bucket, as their unmerged pull request #77's wantReplace expects
        pushBoth(histogramInput(42, 31, first, 2.5, 4), histogramInput(57, 29, second, 4.5, 5));
        Map<String, Double> expected = new TreeMap<>();
        expected.put("counter_total{job=\"test\"}", 60.0);
        expected.put("gauge{job=\"test\"}", 57.0);
        int[] sums = {0, 0, 3, 8, 9, 9, 9, 9, 9, 9};
        for (int i = 0; i < sums.length; i++) {
            expected.put("histogram_bucket{job=\"test\",le=\"" + (i + 1.0) + "\"}", (double) sums[i]);
        }
        expected.put("histogram_bucket{job=\"test\",le=\"+Inf\"}", 9.0);
        expected.put("histogram_sum{job=\"test\"}", 7.0);
        expected.put("histogram_count{job=\"test\"}", 9.0);
        assertThat(series("gauge", "counter", "histogram")).isEqualTo(expected);
    }

    @Test
    void multilabelAndIgnoredLabelsKeepTheLabelAsTheirServerDoes() {
        // their test sets ignoredLabels; their server never does (no flag), so over HTTP the label stays on both
        pushBoth(
                "# HELP counter A counter\n# TYPE counter counter\ncounter{a=\"a\",b=\"b\", ignore_label=\"ignore_value\"} 1\n",
                "# HELP counter A counter\n# TYPE counter counter\ncounter{a=\"a\",b=\"b\", ignore_label=\"ignore_value\"} 2\n");
        assertThat(series("counter"))
                .isEqualTo(Map.of("counter_total{a=\"a\",b=\"b\",ignore_label=\"ignore_value\",job=\"test\"}", 3.0));
        client.adminPost("/tasks/reset-series");
        pushBoth(
                "# HELP counter A counter\n# TYPE counter counter\ncounter{a=\"a\",b=\"b\",ignore_me=\"ignored\"} 1\n",
                "# HELP counter A counter\n# TYPE counter counter\ncounter{b=\"b\",a=\"a\",ignore_me=\"ignored\"} 2\n");
        assertThat(series("counter"))
                .isEqualTo(Map.of("counter_total{a=\"a\",b=\"b\",ignore_me=\"ignored\",job=\"test\"}", 3.0));
    }

    @Test
    void labelFieldsAndReorderedLabelsAreTheSame() {
        pushBoth("""
                # HELP ui_page_render_errors A counter
                # TYPE ui_page_render_errors counter
                ui_page_render_errors{path="/org/:orgId"} 1
                ui_page_render_errors{path="/prom/:orgId"} 1
                """, """
                # HELP ui_page_render_errors A counter
                # TYPE ui_page_render_errors counter
                ui_page_render_errors{path="/prom/:orgId"} 1
                """);
        assertThat(series("ui_page_render_errors"))
                .isEqualTo(Map.of(
                        "ui_page_render_errors_total{job=\"test\",path=\"/org/:orgId\"}", 1.0,
                        "ui_page_render_errors_total{job=\"test\",path=\"/prom/:orgId\"}", 2.0));
        pushBoth(
                "# HELP counter A counter\n# TYPE counter counter\ncounter{a=\"a\",b=\"b\"} 1\n",
                "# HELP counter A counter\n# TYPE counter counter\ncounter{b=\"b\",a=\"a\"} 2\n");
        assertThat(series("counter")).isEqualTo(Map.of("counter_total{a=\"a\",b=\"b\",job=\"test\"}", 3.0));
    }

    @Test
    void summaryIsTheSame() {
        String summary = "# HELP time_ms A summary\n# TYPE time_ms summary\ntime_ms_sum{a=\"a\",b=\"b\"} 12.25\n"
                + "time_ms_count{a=\"a\",b=\"b\"} 1.0\n";
        pushBoth(summary, summary);
        assertThat(series("time_ms"))
                .isEqualTo(Map.of(
                        "time_ms_sum{a=\"a\",b=\"b\",job=\"test\"}",
                        24.5,
                        "time_ms_count{a=\"a\",b=\"b\",job=\"test\"}",
                        2.0));
    }

    @Test
    void duplicateLabelsAreRefusedAsByThem() {
        HttpResponse<String> response = push("PUT", "/metrics/job/test", """

                # HELP ui_external_lib_loaded Test with duplicate values
                # TYPE ui_external_lib_loaded gauge
                ui_external_lib_loaded{name="Munchkin",loaded="true"} 15171
                ui_external_lib_loaded{name="Munchkin",loaded="true"} 1
                """);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("appears twice");
        assertThat(series("ui_external_lib_loaded")).isEmpty();
    }

    // ---- routers/router_test.go ----

    @Test
    void theirRoutesAcceptPushesWithAndWithoutLabels() {
        String counter = "# TYPE some_counter counter\nsome_counter 1\n";
        assertThat(push("PUT", "/metrics/label1/value1/label2/value2", counter).statusCode())
                .isEqualTo(200);
        assertThat(push("PUT", "/metrics/job/someJob", counter).statusCode()).isEqualTo(200);
        assertThat(push("PUT", "/metrics", counter).statusCode()).isEqualTo(200);
        assertThat(push("PUT", "/metrics/", counter).statusCode()).isEqualTo(200);
        // their output repeats the label (testing="one",testing="two",...), which no parser accepts; we keep the last
        assertThat(push(
                                "PUT",
                                "/metrics/testing/one/testing/two/testing/three",
                                "# TYPE some_counter counter\n some_counter 1\n")
                        .statusCode())
                .isEqualTo(200);
        assertThat(series("some_counter"))
                .isEqualTo(Map.of(
                        "some_counter_total{label1=\"value1\",label2=\"value2\"}", 1.0,
                        "some_counter_total{job=\"someJob\"}", 1.0,
                        "some_counter_total{}", 2.0,
                        "some_counter_total{testing=\"three\"}", 1.0));
        assertThat(push("PUT", "/metrics/job", counter).statusCode())
                .as("labels in pairs")
                .isEqualTo(400);
        assertThat(push("PUT", "/metrics/job/x", "some_counter{job=\"y\"} 1\n").statusCode())
                .as("a path label also in the body")
                .isEqualTo(400);
    }

    @Test
    void theirBasicAuthRouterCases() {
        String counter = "# TYPE auth_counter counter\nauth_counter 1\n";
        HttpResponse<String> passing = push("PUT", "/metrics", counter);
        assertThat(passing.statusCode()).isEqualTo(200);
        String wrong =
                "Basic " + Base64.getEncoder().encodeToString("user1:password1".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> failing =
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/metrics"))
                        .header("Authorization", wrong)
                        .PUT(HttpRequest.BodyPublishers.ofString(counter))
                        .build());
        assertThat(failing.statusCode()).isEqualTo(401);
        assertThat(series("auth_counter")).isEqualTo(Map.of("auth_counter_total{}", 1.0));
        assertThat(client.get("/metrics").statusCode())
                .as("the scrape stays open")
                .isEqualTo(200);
    }

    // ---- their README ----

    @Test
    void theReadmeExamplesWork() {
        // echo 'http_requests_total{method="post",code="200"} 1027' | curl --data-binary @- http://localhost/metrics/
        HttpResponse<String> curl = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/metrics/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", AUTH)
                .POST(HttpRequest.BodyPublishers.ofString("http_requests_total{method=\"post\",code=\"200\"} 1027\n"))
                .build());
        assertThat(curl.statusCode()).as(curl.body()).isEqualTo(200);
        assertThat(push(
                                "POST",
                                "/metrics/domain/sometest.com/instance/nginx-1",
                                "http_requests_total{method=\"post\",code=\"200\"} 1027\n")
                        .statusCode())
                .isEqualTo(200);
        assertThat(series("http_requests_total"))
                .isEqualTo(Map.of(
                        "http_requests_total{code=\"200\",method=\"post\"}", 1027.0,
                        "http_requests_total{code=\"200\",domain=\"sometest.com\",instance=\"nginx-1\",method=\"post\"}",
                                1027.0));
    }

    @Test
    void theReadmesCurlPushedTwiceAddsUpAsTheirsDoesAndStaysUntyped() {
        // their README's line carries no # TYPE: untyped, and they add untyped samples up (1027 + 1027)
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> curl =
                    push("POST", "/metrics/", "http_requests_total{method=\"post\",code=\"200\"} 1027\n");
            assertThat(curl.statusCode()).as(curl.body()).isEqualTo(200);
        }
        assertThat(series("http_requests_total"))
                .isEqualTo(Map.of("http_requests_total{code=\"200\",method=\"post\"}", 2054.0));
        assertThat(client.scrape()).contains("# TYPE http_requests_total untyped\n");
        HttpResponse<String> openMetrics = client.get("/metrics", "application/openmetrics-text; version=1.0.0");
        assertThat(openMetrics.body())
                .contains("# TYPE http_requests_total unknown\n")
                .contains("http_requests_total{code=\"200\",method=\"post\"} 2054.0\n");
    }

    @Test
    void infiniteGaugesAndUntypedPushedByThePythonClientAreStored() {
        // client_python's Gauge.set(float('inf')) and an untyped +Inf, pushed twice: the Pushgateway stores them
        ExternalProcess.Result run = PythonClient.inline("""
                from prometheus_client import CollectorRegistry, Gauge, push_to_gateway
                from prometheus_client.core import UntypedMetricFamily
                from prometheus_client.exposition import basic_auth_handler
                def auth(url, method, timeout, headers, data):
                    return basic_auth_handler(url, method, timeout, headers, data, 'user', 'password')
                class Loose:
                    def collect(self):
                        u = UntypedMetricFamily('inf_untyped', 'Untyped.')
                        u.add_metric([], float('inf'))
                        yield u
                for _ in range(2):
                    registry = CollectorRegistry()
                    Gauge('inf_gauge', 'A gauge.', registry=registry).set(float('-inf'))
                    registry.register(Loose())
                    push_to_gateway('127.0.0.1:%d', job='inf', registry=registry, handler=auth)
                """.formatted(APP.getLocalPort()));
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(series("inf_gauge", "inf_untyped"))
                .isEqualTo(Map.of(
                        "inf_gauge{job=\"inf\"}", Double.NEGATIVE_INFINITY,
                        "inf_untyped{job=\"inf\"}", Double.POSITIVE_INFINITY));
        assertThat(client.scrape())
                .contains("inf_gauge{job=\"inf\",} -Inf\n")
                .contains("inf_untyped{job=\"inf\",} +Inf\n");
        // a counter's +Inf stays refused
        assertThat(push("POST", "/metrics/job/inf", "# TYPE inf_counter counter\ninf_counter +Inf\n")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void theReadmesPythonClientPushAggregates() {
        // push_to_gateway('localhost', job='my_job_name', registry=registry) with a counter inc()'d once, twice
        ExternalProcess.Result run = PythonClient.inline("""
                from prometheus_client import CollectorRegistry, Counter, push_to_gateway
                from prometheus_client.exposition import basic_auth_handler
                def auth(url, method, timeout, headers, data):
                    return basic_auth_handler(url, method, timeout, headers, data, 'user', 'password')
                for _ in range(2):
                    registry = CollectorRegistry()
                    counter = Counter('some_counter', "A counter", registry=registry)
                    counter.inc()
                    push_to_gateway('127.0.0.1:%d', job='my_job_name', registry=registry, handler=auth)
                """.formatted(APP.getLocalPort()));
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(series("some_counter")).containsEntry("some_counter_total{job=\"my_job_name\"}", 2.0);
    }
}
