package io.promstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.promstream.Gateway;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.PushgatewayServer;
import io.promstream.testing.RedisServer;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code make bench}: scrapes of 100,000 series as Prometheus asks for them (its {@code Accept} header, gzip),
 * against Debian's Pushgateway holding the same 100,000 series in the same run; and what a scrape every second
 * costs a drain of {@link #COST_SAMPLES} samples running meanwhile (a drain of several seconds: a steady state
 * of one scrape a second, not one scrape at the start of a drain shorter than a second); and the protobuf scrape
 * Prometheus asks for with native histograms against the text (OpenMetrics) scrape of the same run. The gateway
 * checkpoints every second ({@code -Dbench.checkpointInterval=1h} keeps the checkpoints of the changes the
 * benchmark makes out of its timed scrapes, to tell their share). Scrapes are timed by curl, in a process of its
 * own ({@code -Dbench.scrapeClient=jdk}: by the JDK's client, in the gateway's JVM).
 */
@Tag("bench")
class ScrapeBenchmark {
    private static final int SERIES = Integer.getInteger("bench.scrapeSeries", 100_000);
    private static final int SCRAPES = 21;
    /** Unmeasured scrapes before them: the JIT compiles a path it has run often, as a gateway's is. */
    private static final int WARMUP = Integer.getInteger("bench.scrapeWarmup", 10);

    private static final int COST_SAMPLES = Integer.getInteger("bench.scrapeCostSamples", 4_000_000);
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    /** What Prometheus 2.x sends. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /** What Prometheus 2.42 sends with {@code --enable-feature=native-histograms}: protobuf chosen. */
    static final String PROMETHEUS_PROTOBUF_ACCEPT =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                    + "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;"
                    + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** Scrapes are timed by curl unless {@code -Dbench.scrapeClient=jdk}. */
    private static final boolean CURL = !"jdk".equals(System.getProperty("bench.scrapeClient"));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void scrapesAgainstThePushgatewayAndTheirCostToTheDrain() throws Exception {
        try (RedisServer redis = new RedisServer().start();
                PushgatewayServer pushgateway = new PushgatewayServer().start()) {
            fillPushgateway(pushgateway);
            DropwizardTestSupport<GatewayConfiguration> app = TestGateways.support(
                    redis,
                    ConfigOverride.config("checkpoint.interval", System.getProperty("bench.checkpointInterval", "1s")),
                    ConfigOverride.config("redis.leaseTtl", "10s"),
                    ConfigOverride.config("logging.level", "ERROR"));
            app.before();
            try {
                Gateway gateway = ((GatewayApplication) app.getApplication()).gateway();
                push(redis, SERIES, SERIES);
                Await.until(Duration.ofSeconds(120), () -> gateway.store().seriesCount() >= SERIES, "series applied");
                String ours = "http://127.0.0.1:" + app.getLocalPort() + "/metrics";
                String theirs = pushgateway.url() + "/metrics";
                Runnable unchanged = () -> {};
                Runnable oneSampleMore = () -> changeTheFamily(redis, gateway, 1);
                Runnable everySeries = () -> changeTheFamily(redis, gateway, SERIES);
                for (boolean gzip : new boolean[] {true, false}) {
                    for (Runnable before : gzip ? List.of(unchanged, oneSampleMore, everySeries) : List.of(unchanged)) {
                        long[] gw = scrapes(ours, PROMETHEUS_ACCEPT, gzip, before);
                        long[] pg = scrapes(theirs, PROMETHEUS_ACCEPT, gzip, unchanged);
                        System.out.printf(
                                "BENCH scrape %,d series%s%s: gateway median %.1f ms (%,d bytes; collecting "
                                        + "the store %.1f ms of it), Pushgateway median %.1f ms (%,d bytes): %.1f times "
                                        + "faster%n",
                                SERIES,
                                gzip ? ", gzip" : "",
                                before == unchanged
                                        ? ""
                                        : before == oneSampleMore
                                                ? ", one sample applied before every scrape"
                                                : ", every series changed before every scrape",
                                gw[0] / 1e6,
                                gw[1],
                                collectMillis(ours),
                                pg[0] / 1e6,
                                pg[1],
                                pg[0] / (double) gw[0]);
                    }
                }
                for (boolean gzip : new boolean[] {true, false}) {
                    for (Runnable before : gzip ? List.of(unchanged, everySeries) : List.of(unchanged)) {
                        long[] text = scrapes(ours, PROMETHEUS_ACCEPT, gzip, before);
                        long[] protobuf = scrapes(ours, PROMETHEUS_PROTOBUF_ACCEPT, gzip, before);
                        System.out.printf(
                                "BENCH protobuf scrape %,d series%s%s: protobuf median %.1f ms (%,d bytes), text "
                                        + "(OpenMetrics) median %.1f ms (%,d bytes): protobuf takes %.2f times the "
                                        + "text's time%n",
                                SERIES,
                                gzip ? ", gzip" : "",
                                before == unchanged ? "" : ", every series changed before every scrape",
                                protobuf[0] / 1e6,
                                protobuf[1],
                                text[0] / 1e6,
                                text[1],
                                protobuf[0] / (double) text[0]);
                    }
                }
                drainRate(redis, gateway, null); // warms the drain up: the two below start even
                double quiet = 0;
                double scraped = 0;
                for (int round = 0; round < 2; round++) { // alternated, best of each: the machine is noisy
                    quiet = Math.max(quiet, drainRate(redis, gateway, null));
                    scraped = Math.max(scraped, drainRate(redis, gateway, ours));
                }
                System.out.printf(
                        "BENCH scrape cost: draining %,d samples with %,d series present: %,.0f samples/s; "
                                + "with a gzip scrape every second meanwhile %,.0f samples/s (%.2f of it)%n",
                        COST_SAMPLES, SERIES, quiet, scraped, scraped / quiet);
            } finally {
                app.after();
            }
        }
    }

    /** The gateway's own figure for its last collection of the store, in ms. */
    private double collectMillis(String url) throws Exception {
        String body = http.send(
                        HttpRequest.newBuilder(URI.create(url + "?name[]=prom_stream_gateway_collect_duration_seconds"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : body.split("\n")) {
            if (line.startsWith("prom_stream_gateway_collect_duration_seconds ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1)) * 1000;
            }
        }
        return Double.NaN;
    }

    /**
     * One more sample for each of the first {@code count} series, applied before the call returns: the next scrape
     * cannot reuse what it compressed of their chunks before.
     */
    private static void changeTheFamily(RedisServer redis, Gateway gateway, int count) {
        double before = gateway.metrics().processedTotal();
        push(redis, count, SERIES);
        Await.until(
                Duration.ofSeconds(60),
                () -> gateway.metrics().processedTotal() >= before + count,
                "the samples applied");
    }

    /**
     * The median duration (ns) and the size of {@link #SCRAPES} scrapes, after {@link #WARMUP} unmeasured ones;
     * {@code before} runs before each, untimed.
     */
    private long[] scrapes(String url, String accept, boolean gzip, Runnable before) throws Exception {
        List<Long> times = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < WARMUP + SCRAPES; i++) {
            before.run();
            long[] scrape = CURL ? curl(url, accept, gzip) : jdk(url, accept, gzip);
            if (i >= WARMUP) {
                times.add(scrape[0]);
            }
            bytes = scrape[1];
        }
        Collections.sort(times);
        return new long[] {times.get(times.size() / 2), bytes};
    }

    /**
     * One scrape timed by curl ({@code time_total}): a client in a process of its own, as Prometheus is, where the
     * JDK's client runs in the gateway's JVM and adds its own work there (about 10 ms a scrape on two cores).
     */
    private static long[] curl(String url, String accept, boolean gzip) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-H", "Accept: " + accept));
        if (gzip) {
            command.addAll(List.of("-H", "Accept-Encoding: gzip"));
        }
        command.addAll(List.of("-w", "%{http_code} %{time_total} %{size_download} %{content_type}", url));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        String[] fields = out.trim().split(" ", 4);
        assertThat(fields[0]).as(out).isEqualTo("200");
        if (accept.equals(PROMETHEUS_PROTOBUF_ACCEPT)) {
            assertThat(fields[3]).startsWith("application/vnd.google.protobuf");
        }
        return new long[] {(long) (Double.parseDouble(fields[1]) * 1e9), Long.parseLong(fields[2])};
    }

    /** One scrape timed around the JDK's client ({@code -Dbench.scrapeClient=jdk}). */
    private long[] jdk(String url, String accept, boolean gzip) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept);
        if (gzip) {
            builder.header("Accept-Encoding", "gzip");
        }
        long started = System.nanoTime();
        HttpResponse<byte[]> response = http.send(builder.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - started;
        assertThat(response.statusCode()).isEqualTo(200);
        if (accept.equals(PROMETHEUS_PROTOBUF_ACCEPT)) {
            assertThat(response.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/vnd.google.protobuf");
        }
        return new long[] {elapsed, response.body().length};
    }

    private void fillPushgateway(PushgatewayServer pushgateway) throws Exception {
        int groups = Integer.getInteger("bench.pushgatewayGroups", 1);
        for (int g = 0; g < groups; g++) {
            StringBuilder body = new StringBuilder("# TYPE scrape_requests_total counter\n");
            for (int i = g; i < SERIES; i += groups) {
                body.append("scrape_requests_total{service=\"svc")
                        .append(i % 100)
                        .append("\",route=\"/r/")
                        .append(i)
                        .append("\"} 1\n");
            }
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(pushgateway.url() + "/metrics/job/bench/group/" + g))
                            .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        }
    }

    /** Pushes {@code count} counter samples over {@code series} series (every series once when equal). */
    private static void push(RedisServer redis, int count, int series) {
        try (Jedis jedis = redis.client()) {
            Pipeline pipeline = jedis.pipelined();
            byte[] key = QUEUE.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < count; i += 1000) {
                byte[][] chunk = new byte[Math.min(1000, count - i)][];
                for (int j = 0; j < chunk.length; j++) {
                    int n = (i + j) % series;
                    chunk[j] = ("{\"type\":\"counter\",\"name\":\"scrape_requests_total\",\"value\":1,\"labels\":"
                                    + "{\"service\":\"svc" + (n % 100) + "\",\"route\":\"/r/" + n + "\"}}")
                            .getBytes(StandardCharsets.UTF_8);
                }
                pipeline.lpush(key, chunk);
            }
            pipeline.sync();
        }
    }

    /** Samples/s of a drain of {@link #COST_SAMPLES} samples over 1,000 of the series, scraping {@code url} every second. */
    private double drainRate(RedisServer redis, Gateway gateway, String url) throws Exception {
        int samples = COST_SAMPLES;
        double before = gateway.metrics().processedTotal();
        ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
        if (url != null) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .header("Accept", PROMETHEUS_ACCEPT)
                    .header("Accept-Encoding", "gzip")
                    .GET()
                    .build();
            var unused = scraper.scheduleAtFixedRate(
                    () -> {
                        try {
                            http.send(request, HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            // the drain's figure says what matters
                        }
                    },
                    0,
                    1,
                    TimeUnit.SECONDS);
        }
        try (Jedis jedis = redis.client()) {
            jedis.del("bench:staging");
        }
        long started = System.nanoTime();
        push(redis, samples, 1_000);
        Await.until(
                Duration.ofSeconds(120),
                () -> gateway.metrics().processedTotal() - before >= samples,
                "the drain finishes");
        long elapsed = System.nanoTime() - started;
        scraper.shutdownNow();
        scraper.awaitTermination(10, TimeUnit.SECONDS);
        return samples / (elapsed / 1e9);
    }
}
