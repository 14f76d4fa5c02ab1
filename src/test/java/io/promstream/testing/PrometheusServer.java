package io.promstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus}, 2.42) on a free 127.0.0.1 port, with a temporary data
 * directory and a generated configuration: one scrape job per target, every second ({@code scrape_interval} and
 * {@code scrape_timeout} 1s). Prometheus 2.42 chooses its parser by the Content-Type of the target's answer:
 * OpenMetrics for {@code application/openmetrics-text}, else the text 0.0.4 parser. {@link #close()} stops it and
 * deletes its directory.
 *
 * <p>{@link #startWithNativeHistograms} adds {@code --enable-feature=native-histograms}: Prometheus then asks its
 * targets for the delimited protobuf format first ({@code application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited} leads its Accept header) and ingests a protobuf
 * histogram that has native buckets as a native histogram (its classic buckets, if any, are then not ingested in
 * 2.42). An instant query selecting native histograms answers {@code "histogram"} values, read by
 * {@link #queryHistograms}; {@code histogram_count(...)}, {@code histogram_sum(...)} and
 * {@code histogram_quantile(...)} answer plain floats, read by {@link #query} or {@link #awaitValue};
 * {@link #queryRaw} gives the JSON as it came.
 */
public final class PrometheusServer implements AutoCloseable {
    /** How long a single HTTP call to Prometheus may take. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_-]*");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The flag that makes Prometheus 2.42 ask targets for the protobuf format (and read native histograms). */
    public static final String NATIVE_HISTOGRAMS = "--enable-feature=native-histograms";

    /** A target as {@code /api/v1/targets} reports it; {@code lastScrape} is when the last scrape started. */
    public record TargetState(String job, String scrapeUrl, String health, String lastError, Instant lastScrape) {
        public boolean up() {
            return "up".equals(health);
        }
    }

    /** A series of a query result: its labels, value and timestamp (evaluation time for instant vectors). */
    public record Sample(Map<String, String> labels, double value, Instant timestamp) {}

    /**
     * A bucket of a native histogram query result, as Prometheus' JSON gives it ({@code [boundaries, "lower",
     * "upper", "count"]}): {@code boundaries} 0 is (lower, upper], 1 [lower, upper), 2 (lower, upper), 3
     * [lower, upper] (the zero bucket); {@code count} may be fractional after rate() and the like.
     */
    public record HistogramBucket(int boundaries, double lower, double upper, double count) {}

    /** A series of a query result whose value is a native histogram: its count, sum and populated buckets. */
    public record HistogramSample(
            Map<String, String> labels, double count, double sum, List<HistogramBucket> buckets, Instant timestamp) {}

    private final Path dir;
    private final Process process;
    private final URI uri;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();

    private PrometheusServer(Path dir, Process process, URI uri) {
        this.dir = dir;
        this.process = process;
        this.uri = uri;
    }

    /**
     * Starts Prometheus scraping each target URL (http, no query string) as its own job, named by the key; waits
     * until it is ready.
     */
    public static PrometheusServer start(Map<String, URI> targetsByJob) {
        return start(targetsByJob, List.of());
    }

    /**
     * Like {@link #start(Map)}, with {@code --enable-feature=native-histograms}: targets are asked for protobuf
     * first and native histograms are ingested (see the class comment).
     */
    public static PrometheusServer start(Map<String, URI> targetsByJob, String... extraFlags) {
        return start(targetsByJob, List.of(extraFlags));
    }

    /** {@link #start(Map)} with {@link #NATIVE_HISTOGRAMS}. */
    public static PrometheusServer startWithNativeHistograms(Map<String, URI> targetsByJob) {
        return start(targetsByJob, List.of("--enable-feature=native-histograms"));
    }

    /**
     * Like {@link #start(Map)}, with {@code extraFlags} appended to Prometheus' command line (e.g.
     * {@code --enable-feature=native-histograms}).
     */
    public static PrometheusServer start(Map<String, URI> targetsByJob, List<String> extraFlags) {
        String config = config(targetsByJob);
        Path dir;
        try {
            dir = Files.createTempDirectory("prometheus-test-");
            Files.writeString(dir.resolve("prometheus.yml"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AssertionError failure = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before Prometheus binds it
            int port = RedisServer.freePort();
            Process process = launch(dir, port, extraFlags);
            PrometheusServer server = new PrometheusServer(dir, process, URI.create("http://127.0.0.1:" + port));
            try {
                Await.until(
                        START_TIMEOUT,
                        () -> !process.isAlive() || server.ready(),
                        () -> "Prometheus not ready on port " + port + "; log: " + server.log());
                if (process.isAlive()) {
                    return server;
                }
                failure =
                        new AssertionError("Prometheus exited with " + process.exitValue() + "; log: " + server.log());
            } catch (AssertionError e) {
                failure = e;
            }
            server.stopProcess();
            if (!server.log().contains("address already in use")) {
                break;
            }
        }
        deleteTree(dir);
        throw failure;
    }

    private static String config(Map<String, URI> targetsByJob) {
        StringBuilder yaml = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1m
                scrape_configs:
                """);
        for (Map.Entry<String, URI> target : targetsByJob.entrySet()) {
            String job = target.getKey();
            URI url = target.getValue();
            if (!JOB_NAME.matcher(job).matches()) {
                throw new IllegalArgumentException("job name must match " + JOB_NAME + ": " + job);
            }
            if (!"http".equals(url.getScheme())
                    || url.getRawQuery() != null
                    || url.getRawFragment() != null
                    || url.getPort() < 0) {
                throw new IllegalArgumentException("target must be http://host:port/path: " + url);
            }
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            yaml.append("  - job_name: ")
                    .append(quoted(job))
                    .append('\n')
                    .append("    scheme: http\n")
                    .append("    metrics_path: ")
                    .append(quoted(path))
                    .append('\n')
                    .append("    static_configs:\n")
                    .append("      - targets: [")
                    .append(quoted(url.getRawAuthority()))
                    .append("]\n");
        }
        return yaml.toString();
    }

    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static Process launch(Path dir, int port, List<String> extraFlags) {
        List<String> command = new ArrayList<>(List.of(
                "prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=info"));
        command.addAll(extraFlags);
        try {
            return new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("cannot start prometheus (apt-get install prometheus)", e);
        }
    }

    public URI uri() {
        return uri;
    }

    /** Prometheus' own log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private boolean ready() {
        try {
            HttpResponse<String> response = http.send(request("/-/ready"), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every active target, from {@code /api/v1/targets?state=active}. */
    public List<TargetState> targets() {
        JsonNode data = get("/api/v1/targets?state=active");
        List<TargetState> targets = new ArrayList<>();
        for (JsonNode t : data.path("activeTargets")) {
            targets.add(new TargetState(
                    t.path("labels").path("job").asText(),
                    t.path("scrapeUrl").asText(),
                    t.path("health").asText(),
                    t.path("lastError").asText(),
                    Instant.parse(t.path("lastScrape").asText())));
        }
        return targets;
    }

    /** The target of {@code job}, or null while Prometheus does not list it yet. */
    public TargetState target(String job) {
        return targets().stream().filter(t -> t.job().equals(job)).findFirst().orElse(null);
    }

    /**
     * Waits until the target of {@code job} has completed a scrape that started after {@code after}, and returns
     * its state then (health and lastError of that or a later scrape).
     */
    public TargetState awaitScrape(String job, Instant after, Duration timeout) {
        AtomicReference<TargetState> seen = new AtomicReference<>();
        Await.until(
                timeout,
                () -> {
                    requireAlive();
                    TargetState state = target(job);
                    seen.set(state);
                    return state != null && state.lastScrape().isAfter(after) && !"unknown".equals(state.health());
                },
                () -> "no scrape of job " + job + " after " + after + "; last seen: " + seen.get());
        return seen.get();
    }

    /**
     * An instant query evaluated now, as Prometheus answered it: the {@code data} object of the answer, with
     * {@code resultType} and {@code result} (a native histogram sample has {@code "histogram": [time, {"count",
     * "sum", "buckets"}]} where a float sample has {@code "value": [time, "float"]}).
     */
    public JsonNode queryRaw(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /**
     * An instant query evaluated now whose result is a vector of native histograms (e.g. a selector of a native
     * histogram metric): one sample per series. Fails when a series has a float value instead.
     */
    public List<HistogramSample> queryHistograms(String promql) {
        JsonNode data = queryRaw(promql);
        if (!"vector".equals(data.path("resultType").asText())) {
            throw new AssertionError("not a vector for " + promql + ": " + data);
        }
        List<HistogramSample> samples = new ArrayList<>();
        for (JsonNode s : data.path("result")) {
            JsonNode timeAndHistogram = s.path("histogram");
            if (!timeAndHistogram.isArray()) {
                throw new AssertionError("not a native histogram sample for " + promql + ": " + s);
            }
            JsonNode h = timeAndHistogram.get(1);
            List<HistogramBucket> buckets = new ArrayList<>();
            for (JsonNode b : h.path("buckets")) {
                buckets.add(new HistogramBucket(
                        b.get(0).asInt(),
                        number(b.get(1).asText()),
                        number(b.get(2).asText()),
                        number(b.get(3).asText())));
            }
            samples.add(new HistogramSample(
                    labels(s.path("metric")),
                    number(h.path("count").asText()),
                    number(h.path("sum").asText()),
                    buckets,
                    Instant.ofEpochMilli(Math.round(timeAndHistogram.get(0).asDouble() * 1000))));
        }
        return samples;
    }

    /**
     * Waits until the instant query {@code promql} (e.g. {@code histogram_count(m)}) answers exactly one float
     * sample (a one-series vector or a scalar), and returns its value: a fresh target's first scrape takes a
     * moment to be queryable.
     */
    public double awaitValue(String promql, Duration timeout) {
        AtomicReference<Object> seen = new AtomicReference<>();
        Await.until(
                timeout,
                () -> {
                    requireAlive();
                    JsonNode data = queryRaw(promql);
                    seen.set(data);
                    return ("vector".equals(data.path("resultType").asText())
                                    && data.path("result").size() == 1
                                    && data.path("result").get(0).has("value"))
                            || "scalar".equals(data.path("resultType").asText());
                },
                () -> "no single float sample for " + promql + "; last answer: " + seen.get() + "; log: " + log());
        return query(promql).get(0).value();
    }

    /** An instant query evaluated now: one sample per series (a scalar gives one sample without labels). */
    public List<Sample> query(String promql) {
        JsonNode data = queryRaw(promql);
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        List<Sample> samples = new ArrayList<>();
        switch (type) {
            case "scalar" -> samples.add(sample(Map.of(), result));
            case "vector" ->
                result.forEach(s -> {
                    if (s.has("histogram")) {
                        throw new AssertionError("a native histogram in the result of " + promql
                                + " (use queryHistograms, or histogram_count/histogram_sum): " + s);
                    }
                    samples.add(sample(labels(s.path("metric")), s.path("value")));
                });
            case "matrix" ->
                result.forEach(s -> {
                    JsonNode values = s.path("values");
                    samples.add(sample(labels(s.path("metric")), values.get(values.size() - 1)));
                });
            default -> throw new AssertionError("unexpected result type " + type + " for " + promql);
        }
        return samples;
    }

    /**
     * Waits until the series selector {@code selector} (e.g. {@code up{job="x"}}) selects exactly one series whose
     * newest stored sample has a timestamp at or after {@code after} (millisecond precision), and returns that
     * sample with its own timestamp. Use it after {@link #awaitScrape}: Prometheus reports a scrape to
     * {@code /api/v1/targets} before it commits the samples. Note that Prometheus may align a scrape's timestamp
     * up to 2 ms earlier than the scrape's start.
     */
    public Sample awaitSample(String selector, Instant after, Duration timeout) {
        AtomicReference<List<Sample>> seen = new AtomicReference<>();
        Await.until(
                timeout,
                () -> {
                    requireAlive();
                    List<Sample> samples = query(selector + "[5m]");
                    seen.set(samples);
                    return samples.size() == 1 && samples.get(0).timestamp().toEpochMilli() >= after.toEpochMilli();
                },
                () -> "no single fresh series for " + selector + " since " + after + "; last seen: " + seen.get());
        return seen.get().get(0);
    }

    private static Sample sample(Map<String, String> labels, JsonNode timeAndValue) {
        double seconds = timeAndValue.get(0).asDouble();
        double v = number(timeAndValue.get(1).asText());
        return new Sample(labels, v, Instant.ofEpochMilli(Math.round(seconds * 1000)));
    }

    /** A float as Prometheus' JSON writes it: a string, +Inf, -Inf or NaN. */
    private static double number(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }

    private static Map<String, String> labels(JsonNode metric) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> label : metric.properties()) {
            labels.put(label.getKey(), label.getValue().asText());
        }
        return labels;
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200
                    || !"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus answered " + response.statusCode() + " to " + pathAndQuery + ": "
                        + response.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new AssertionError("cannot call Prometheus: " + pathAndQuery + "; log: " + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private HttpRequest request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri.resolve(pathAndQuery))
                .timeout(CALL_TIMEOUT)
                .GET()
                .build();
    }

    private void requireAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("Prometheus exited with " + process.exitValue() + "; log: " + log());
        }
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopProcess();
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
