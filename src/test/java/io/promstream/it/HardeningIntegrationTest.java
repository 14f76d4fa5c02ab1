package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.ExpositionParsers;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression tests for the black-box findings of the hardening issue, each through the running app where it was
 * seen: one bad sample must never make the exposition unparsable, and the contracts hold at their edges.
 */
class HardeningIntegrationTest {
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0";

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
        client.adminPost("/tasks/reset-series");
    }

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return client.send(builder.build());
    }

    private HttpResponse<String> text(String method, String path, String body) {
        return send(method, path, "text/plain", body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> json(String body) {
        return send("POST", "/api/metrics", "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] scrapeBytes(String accept) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Accept", accept)
                .GET()
                .build();
        try {
            return HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofByteArray())
                    .body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private double dropped(String reason) {
        return client.value("prom_stream_gateway_dropped_metrics_total{reason=\"" + reason + "\",}");
    }

    private void flush() {
        assertThat(client.adminPost("/tasks/flush-queue").statusCode()).isEqualTo(200);
    }

    /** Both formats, as served, pass promtool and prometheus_client's parsers. */
    private void assertExpositionParses() {
        byte[] text = scrapeBytes("text/plain");
        byte[] openMetrics = scrapeBytes(OPEN_METRICS);
        assertThat(ExpositionParsers.promtoolText(text))
                .as("promtool on the text format")
                .isNull();
        assertThat(ExpositionParsers.pythonText(text))
                .as("prometheus_client's text parser")
                .isNull();
        assertThat(ExpositionParsers.pythonOpenMetrics(openMetrics))
                .as("prometheus_client's OpenMetrics parser")
                .isNull();
    }

    @Test
    void loneSurrogatesAreInvalidJsonOnTheQueueAndOverHttp() {
        double before = dropped("invalid_json");
        REDIS.push(
                QUEUE,
                "{\"type\":\"gauge\",\"name\":\"build\",\"value\":1,\"labels\":{\"rev\":\"\\ud800\"}}",
                "{\"type\":\"gauge\",\"name\":\"build\",\"value\":1,\"help\":\"x\\udc00\"}",
                "{\"type\":\"gauge\",\"name\":\"build_ok\",\"value\":1,\"labels\":{\"rev\":\"\\ud83d\\ude00\"}}");
        flush();
        HttpResponse<String> http =
                json("{\"type\":\"gauge\",\"name\":\"build\",\"value\":1,\"labels\":{\"rev\":\"\\ud800\"}}");
        assertThat(http.statusCode()).isEqualTo(200);
        assertThat(http.body()).contains("invalid_json");
        assertThat(dropped("invalid_json") - before).isEqualTo(3);
        String exposition = client.scrape();
        assertThat(exposition).doesNotContain("build{").contains("build_ok{rev=\"\uD83D\uDE00\",}");
        assertExpositionParses();
    }

    @Test
    void aCounterNamedTotalIsAnInvalidName() {
        double before = dropped("invalid_name");
        REDIS.push(
                QUEUE,
                "{\"type\":\"counter\",\"name\":\"_total\",\"value\":1}",
                "{\"type\":\"counter\",\"name\":\"x_total_total\",\"value\":1}");
        flush();
        assertThat(dropped("invalid_name") - before).isEqualTo(2);
        HttpResponse<String> push = text("POST", "/metrics/job/t", "# TYPE _total counter\n_total 1\n");
        assertThat(push.statusCode()).isEqualTo(400);
        assertThat(push.body()).contains("leaves no family name");
        assertThat(client.scrape()).doesNotContain("_total_total");
        assertExpositionParses();
    }

    @Test
    void histogramsWithNegativeBucketsOrSumsStayValidOpenMetrics() {
        REDIS.push(
                QUEUE,
                "{\"type\":\"histogram\",\"name\":\"neg_buckets\",\"value\":-7,\"buckets\":[-1,0,0.5,1e10]}",
                "{\"type\":\"histogram\",\"name\":\"neg_sum\",\"value\":-3,\"buckets\":[0.5,1]}",
                "{\"type\":\"summary\",\"name\":\"neg_summary\",\"value\":-2}",
                "{\"type\":\"histogram\",\"name\":\"fine\",\"value\":0.7,\"buckets\":[0.5,1]}");
        flush();
        String text = new String(scrapeBytes("text/plain"), StandardCharsets.UTF_8);
        assertThat(text)
                .contains("neg_buckets_sum -7.0")
                .contains("neg_buckets_count 1.0")
                .contains("neg_sum_sum -3.0")
                .contains("neg_summary_sum -2.0");
        String openMetrics = new String(scrapeBytes(OPEN_METRICS), StandardCharsets.UTF_8);
        assertThat(openMetrics)
                .contains("neg_buckets_bucket{le=\"-1.0\"} 1.0")
                .doesNotContain("neg_buckets_sum")
                .doesNotContain("neg_buckets_count")
                .doesNotContain("neg_sum_sum")
                .doesNotContain("neg_summary_sum")
                .contains("fine_sum 0.7")
                .contains("fine_count 1.0")
                .contains("neg_summary_count 1.0");
        assertExpositionParses();
    }

    @Test
    void textPushesAreAllOrNothingUnderRaces() throws Exception {
        // two pushers send counters racex + racey while the queue keeps bringing a gauge racey and a resetter
        // keeps removing racey: racex must count exactly the pushes answered 200
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<String> unexpected = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    HttpResponse<String> r = text(
                            "POST",
                            "/metrics/job/race",
                            "# TYPE racex counter\nracex 1\n# TYPE racey counter\nracey 1\n");
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else if (r.statusCode() == 400 && r.body().contains("type_conflict")
                            || r.body().contains("is a gauge")) {
                        refused.incrementAndGet();
                    } else {
                        synchronized (unexpected) {
                            unexpected.add(r.statusCode() + " " + r.body());
                        }
                    }
                }
            }));
        }
        threads.add(new Thread(() -> {
            while (!stop.get()) {
                REDIS.push(QUEUE, "{\"type\":\"gauge\",\"name\":\"racey\",\"value\":1,\"labels\":{\"job\":\"race\"}}");
            }
        }));
        threads.add(new Thread(() -> {
            while (!stop.get()) {
                client.adminPost("/tasks/reset-series?name=racey");
            }
        }));
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline && ok.get() < 1_500) {
            Thread.onSpinWait();
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(unexpected).isEmpty();
        assertThat(ok.get()).isPositive();
        assertThat(client.value("racex_total{job=\"race\",}")).isEqualTo(ok.get());
    }

    @Test
    void aResetRacingAValidPushNeverRefusesIt() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<String> failures = new ArrayList<>();
        AtomicInteger ok = new AtomicInteger();
        Thread pusher = new Thread(() -> {
            while (!stop.get()) {
                HttpResponse<String> r = text(
                        "POST",
                        "/metrics/job/race2",
                        "# TYPE racex2 counter\nracex2 1\n# TYPE racez counter\nracez 1\n");
                if (r.statusCode() == 200) {
                    ok.incrementAndGet();
                } else {
                    failures.add(r.statusCode() + " " + r.body());
                }
            }
        });
        Thread resetter = new Thread(() -> {
            while (!stop.get()) {
                client.adminPost("/tasks/reset-series?name=racez");
            }
        });
        pusher.start();
        resetter.start();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && ok.get() < 1_000) {
            Thread.onSpinWait();
        }
        stop.set(true);
        pusher.join();
        resetter.join();
        assertThat(failures).isEmpty();
        assertThat(client.value("racex2_total{job=\"race2\",}")).isEqualTo(ok.get());
    }

    @Test
    void flushQueueHonoursItsTimeoutOnAnIdleQueue() {
        long started = System.nanoTime();
        HttpResponse<String> response = client.adminPost("/tasks/flush-queue?timeout=100ms");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("flushed 0 elements");
        // the workers block on the empty queue for redis.blockTimeout; a flush must not wait behind them
        assertThat(millis)
                .as("an idle flush with timeout=100ms took %d ms", millis)
                .isLessThan(2_000);
    }

    @Test
    void gzipBodiesAreCheckedWholeBeforeAnythingIsApplied() throws Exception {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 2000; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"counter\",\"name\":\"gz_cut\",\"value\":1}");
        }
        byte[] whole = gzipWithFlushes(batch.append("]").toString());
        // cut at a flush point: a complete deflate block, no final block, no trailer
        byte[] cut = Arrays.copyOf(whole, flushPoint);
        byte[] badCrc = whole.clone();
        badCrc[badCrc.length - 8] ^= 0x01;
        byte[] badSize = whole.clone();
        badSize[badSize.length - 1] ^= 0x01;
        for (byte[] body : List.of(
                cut,
                badCrc,
                badSize,
                "{\"type\":\"counter\",\"name\":\"gz_cut\",\"value\":1}".getBytes(StandardCharsets.UTF_8))) {
            HttpResponse<String> jsonPush =
                    send("POST", "/api/metrics", "application/json", body, "Content-Encoding", "gzip");
            assertThat(jsonPush.statusCode()).as(jsonPush.body()).isEqualTo(400);
            HttpResponse<String> textPush =
                    send("POST", "/metrics/job/gz", "text/plain", body, "Content-Encoding", "gzip");
            assertThat(textPush.statusCode()).as(textPush.body()).isEqualTo(400);
        }
        assertThat(client.scrape()).doesNotContain("gz_cut");
        assertThat(send("POST", "/api/metrics", "application/json", whole, "Content-Encoding", "gzip")
                        .statusCode())
                .isEqualTo(200);
        assertThat(client.value("gz_cut_total")).isEqualTo(2000);
    }

    private int flushPoint;

    /** Gzip with a sync flush in the middle; remembers where the data can be cut at a block boundary. */
    private byte[] gzipWithFlushes(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 512, true)) {
            gz.write(bytes, 0, bytes.length / 2);
            gz.flush();
            flushPoint = out.size();
            gz.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        }
        return out.toByteArray();
    }

    @Test
    void nameFiltersSelectFamilies() {
        REDIS.push(
                QUEUE,
                "{\"type\":\"histogram\",\"name\":\"nf_hist\",\"value\":1}",
                "{\"type\":\"counter\",\"name\":\"nf_count\",\"value\":1}",
                "{\"type\":\"gauge\",\"name\":\"nf_other\",\"value\":1}");
        flush();
        String byFamily = client.get("/metrics?name[]=nf_hist&name[]=nf_count").body();
        assertThat(byFamily)
                .contains("nf_hist_bucket")
                .contains("nf_hist_sum")
                .contains("nf_count_total 1.0")
                .doesNotContain("nf_other")
                .doesNotContain("prom_stream_gateway");
        assertThat(client.get("/metrics?name[]=nf_count_total").body()).contains("nf_count_total 1.0");
    }

    @Test
    void textPushesFollowPrometheusOwnParsingRules() {
        HttpResponse<String> space = text("POST", "/metrics/job/tp", "tp_space {a=\"x\"} 2\n");
        assertThat(space.statusCode()).as(space.body()).isEqualTo(200);
        assertThat(client.value("tp_space{a=\"x\",job=\"tp\",}")).isEqualTo(2);
        HttpResponse<String> twice = text("POST", "/metrics/job/tp", "tp_twice{a=\"1\"} 1\ntp_twice{a=\"1\"} 2\n");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("line 2").contains("appears twice");
        HttpResponse<String> escape = text("POST", "/metrics/job/tp", "# HELP tp_help tab \\t here\ntp_help 1\n");
        assertThat(escape.statusCode()).isEqualTo(400);
        assertThat(escape.body()).contains("line 1").contains("escape");
        assertThat(client.scrape()).doesNotContain("tp_twice").doesNotContain("tp_help");
    }

    @Test
    void everyPushAnswerIsCounted() {
        double json415 = client.value("prom_stream_gateway_http_pushes_total{endpoint=\"json\",code=\"415\",}");
        assertThat(send("POST", "/api/metrics", "text/plain", "x".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(415);
        double json405 = client.value("prom_stream_gateway_http_pushes_total{endpoint=\"json\",code=\"405\",}");
        assertThat(send("PUT", "/api/metrics", "application/json", "{}".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(405);
        assertThat(client.value("prom_stream_gateway_http_pushes_total{endpoint=\"json\",code=\"415\",}"))
                .isEqualTo(Double.isNaN(json415) ? 1 : json415 + 1);
        assertThat(client.value("prom_stream_gateway_http_pushes_total{endpoint=\"json\",code=\"405\",}"))
                .isEqualTo(Double.isNaN(json405) ? 1 : json405 + 1);
    }

    @Test
    void theLabelCapCountsTheSeriesLabelsOnEveryPath() {
        StringBuilder jsonLabels = new StringBuilder();
        StringBuilder textLabels = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            jsonLabels.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
        }
        for (int i = 0; i < 63; i++) {
            textLabels.append(i == 0 ? "" : ",").append("l").append(i).append("=\"v\"");
        }
        HttpResponse<String> json = json("{\"type\":\"gauge\",\"name\":\"cap_json\",\"value\":1,\"labels\":{"
                + jsonLabels + ",\"empty\":\"\"}}");
        assertThat(json.body()).contains("\"accepted\":1");
        // 63 pushed labels plus job and instance from the path: 65
        HttpResponse<String> text = text("POST", "/metrics/job/cap/instance/i", "cap_text{" + textLabels + "} 1\n");
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(text.body()).contains("more than 64 labels");
    }

    @Test
    void anUnknownOpIsInvalidOnEveryType() {
        HttpResponse<String> r = json("{\"type\":\"counter\",\"name\":\"op_c\",\"value\":1,\"op\":\"add\"}");
        assertThat(r.body()).contains("invalid_message").contains("op must be one of");
    }
}
