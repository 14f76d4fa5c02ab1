package io.promstream.soak;

import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code make soak}: runs the real jar ({@code target/prom-stream-gateway.jar}, config.yml) against its own
 * redis-server on 127.0.0.1 for {@code SOAK_SECONDS} (default 300) under continuous ingestion, while scraping
 * {@code /metrics} and calling {@code /healthcheck} and {@code POST /tasks/reset-series} (on churn families only)
 * in parallel. Afterwards it flushes the queue and checks exact totals of the families it never resets, and that
 * the heap used after a forced GC stays flat after warm-up (or levels off: bounded tables filling). Prints a
 * summary; exits 1 when a check fails.
 *
 * <p>Environment: {@code SOAK_SECONDS} (300), {@code SOAK_RATE} (target samples per second, 20000),
 * {@code SOAK_HEAP_INTERVAL} (seconds between heap samples, default max(5, SOAK_SECONDS / 24)),
 * {@code SOAK_GATEWAY_HEAP} (the gateway's -Xmx, 512m), {@code SOAK_HEAP_TOLERANCE} (0.20), {@code SOAK_JAR},
 * {@code SOAK_DIR} (logs and summary, target/soak). Every request goes to 127.0.0.1 only, on ports chosen at
 * run time; every loop stops at the deadline.
 */
public final class SoakRun {
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final int SHARDS = 8;
    private static final long TICK_MILLIS = 50;
    /** One element in this many is bad: alternately a negative counter and broken JSON. */
    private static final int BAD_EVERY = 97;

    private static final String RESET_PATH = "/tasks/reset-series?name=soak_churn_requests_total&name=soak_churn_temp";

    private final int seconds = intEnv("SOAK_SECONDS", 300);
    private final int rate = intEnv("SOAK_RATE", 20_000);
    private final int heapInterval = intEnv("SOAK_HEAP_INTERVAL", Math.max(5, seconds / 24));
    private final double heapTolerance = Double.parseDouble(env("SOAK_HEAP_TOLERANCE", "0.20"));
    private final String gatewayHeap = env("SOAK_GATEWAY_HEAP", "512m");
    private final Path jar = Path.of(env("SOAK_JAR", "target/prom-stream-gateway.jar"));
    private final Path dir = Path.of(env("SOAK_DIR", "target/soak"));

    // what the generator sent (counted only once Redis acknowledged it)
    private final long[] checkedCounter = new long[SHARDS];
    private long histogramCount;
    private double histogramSum;
    private long summaryCount;
    private long lastGaugeValue = -1;
    private long validSamples;
    private long elements;
    private long badValue;
    private long badJson;
    private long sequence;

    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong scrapeFailures = new AtomicLong();
    private final AtomicLong maxScrapeMillis = new AtomicLong();
    private final AtomicLong healthChecks = new AtomicLong();
    private final AtomicLong unhealthy = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong resetFailures = new AtomicLong();
    private final AtomicLong seriesRemoved = new AtomicLong();
    private final AtomicReference<String> firstProblem = new AtomicReference<>();
    private final ConcurrentLinkedQueue<HeapSample> heap = new ConcurrentLinkedQueue<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    record HeapSample(double atSeconds, double usedAfterGcBytes, double heapUsedBytes) {}

    public static void main(String[] args) throws Exception {
        // on SIGTERM (e.g. the script's time bound) stop what this run started: the gateway and redis-server
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        int code = new SoakRun().run();
        System.exit(code);
    }

    private int run() throws Exception {
        Files.createDirectories(dir);
        if (!Files.isRegularFile(jar)) {
            System.err.println("no " + jar + ": run `make build` first");
            return 2;
        }
        System.out.printf(
                "SOAK: %d s at %,d samples/s, heap sampled every %d s (gateway -Xmx%s), logs in %s%n",
                seconds, rate, heapInterval, gatewayHeap, dir);
        try (RedisServer redis = new RedisServer().start()) {
            int appPort = RedisServer.freePort();
            int adminPort = RedisServer.freePort();
            Process gateway = startGateway(redis, appPort, adminPort);
            try {
                GatewayClient client = new GatewayClient(appPort, adminPort);
                Await.until(
                        Duration.ofSeconds(60),
                        () -> answers(client, gateway),
                        () -> "the gateway did not come up; see " + dir.resolve("gateway.log"));
                soak(redis, client, gateway);
            } finally {
                gateway.destroy(); // SIGTERM: a graceful stop
                if (!gateway.waitFor(60, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    failures.add("the gateway did not stop within 60 s of SIGTERM");
                }
            }
        }
        long errors;
        try (var lines = Files.lines(dir.resolve("gateway.log"), StandardCharsets.UTF_8)) {
            errors = lines.filter(l -> l.startsWith("ERROR") || l.contains(" ERROR "))
                    .count();
        }
        if (errors > 0) {
            failures.add(errors + " ERROR lines in " + dir.resolve("gateway.log"));
        }
        String verdict = failures.isEmpty() ? "PASSED" : "FAILED: " + String.join("; ", failures);
        System.out.println("SOAK " + verdict);
        Files.writeString(dir.resolve("result.txt"), verdict + "\n");
        return failures.isEmpty() ? 0 : 1;
    }

    private Process startGateway(RedisServer redis, int appPort, int adminPort) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        "java", "-Xmx" + gatewayHeap, "-XX:+UseG1GC", "-jar", jar.toString(), "server", "config.yml")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("REDIS_URI", "redis://127.0.0.1:" + redis.port() + "/0");
        env.put("GATEWAY_PORT", Integer.toString(appPort));
        env.put("GATEWAY_ADMIN_PORT", Integer.toString(adminPort));
        env.remove("REDIS_QUEUE_KEY");
        env.remove("SERIES_TTL");
        return builder.start();
    }

    private static boolean answers(GatewayClient client, Process gateway) {
        if (!gateway.isAlive()) {
            throw new AssertionError("the gateway exited with " + gateway.exitValue());
        }
        try {
            return client.get("/").statusCode() == 200;
        } catch (AssertionError e) {
            return false;
        }
    }

    private void soak(RedisServer redis, GatewayClient client, Process gateway) throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch failed = new CountDownLatch(1);
        int perTick = (int) Math.max(1, rate * TICK_MILLIS / 1000);
        try (Jedis jedis = redis.client()) {
            Runnable generator = guarded(failed, () -> {
                if (System.nanoTime() < deadline) {
                    send(jedis, perTick);
                }
            });
            var unused1 = scheduler.scheduleAtFixedRate(generator, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
            var unused2 = scheduler.scheduleAtFixedRate(
                    guarded(failed, () -> scrape(client)), 100, 250, TimeUnit.MILLISECONDS);
            var unused3 = scheduler.scheduleAtFixedRate(
                    guarded(failed, () -> health(client)), 1000, 5000, TimeUnit.MILLISECONDS);
            var unused4 = scheduler.scheduleAtFixedRate(
                    guarded(failed, () -> reset(client)), 2000, 2000, TimeUnit.MILLISECONDS);
            var unused5 = scheduler.scheduleAtFixedRate(
                    guarded(failed, () -> sampleHeap(client, gateway, started)),
                    heapInterval,
                    heapInterval,
                    TimeUnit.SECONDS);
            // the run itself: ends at the deadline, or earlier when a periodic task failed
            failed.await(seconds, TimeUnit.SECONDS);
            scheduler.shutdown();
            if (!scheduler.awaitTermination(60, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
                failures.add("periodic tasks did not stop within 60 s");
            }
            if (firstProblem.get() != null) {
                failures.add(firstProblem.get());
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            check(client, jedis, gateway, elapsed);
        }
    }

    /** Runs {@code task}; the first exception ends the run and is reported. */
    private Runnable guarded(CountDownLatch failed, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                if (firstProblem.compareAndSet(null, t.toString())) {
                    t.printStackTrace();
                }
                failed.countDown();
                throw t;
            }
        };
    }

    /** One tick: about {@code samples} samples in elements of one sample or batches of ten, one pipeline. */
    private void send(Jedis jedis, int samples) {
        Pipeline pipeline = jedis.pipelined();
        long[] counter = new long[SHARDS];
        long hCount = 0;
        double hSum = 0;
        long sCount = 0;
        long gauge = -1;
        long valid = 0;
        long sentElements = 0;
        long bv = 0;
        long bj = 0;
        List<String> chunk = new ArrayList<>();
        int n = 0;
        while (n < samples) {
            long seq = ++sequence;
            String element;
            if (seq % BAD_EVERY == 0) {
                if ((seq / BAD_EVERY) % 2 == 0) {
                    element = "{\"type\":\"counter\",\"name\":\"soak_bad_total\",\"value\":-1}";
                    bv++;
                } else {
                    element = "{\"type\":\"counter\",\"name\":\"soak_bad_total\",\"val";
                    bj++;
                }
                n++;
            } else if (seq % 3 == 0) {
                StringBuilder batch = new StringBuilder("[");
                for (int i = 0; i < 10; i++) {
                    int shard = (int) ((seq + i) % SHARDS);
                    long value = 1 + (seq + i) % 4;
                    batch.append(i == 0 ? "" : ",")
                            .append("{\"type\":\"counter\",\"name\":\"soak_checked_total\",\"value\":")
                            .append(value)
                            .append(",\"labels\":{\"shard\":\"")
                            .append(shard)
                            .append("\"}}");
                    counter[shard] += value;
                }
                element = batch.append(']').toString();
                valid += 10;
                n += 10;
            } else {
                element = switch ((int) ((seq / 3) % 5)) {
                    case 0 -> {
                        double v = (seq % 8) * 0.25;
                        hCount++;
                        hSum += v;
                        yield "{\"type\":\"histogram\",\"name\":\"soak_checked_latency_seconds\",\"value\":" + v
                                + ",\"buckets\":[0.25,0.5,1,2]}";
                    }
                    case 1 -> {
                        sCount++;
                        yield "{\"type\":\"summary\",\"name\":\"soak_checked_size_bytes\",\"value\":" + (seq % 1000)
                                + "}";
                    }
                    case 2 -> {
                        gauge = seq;
                        yield "{\"type\":\"gauge\",\"name\":\"soak_checked_last\",\"value\":" + seq + "}";
                    }
                    case 3 ->
                        "{\"type\":\"counter\",\"name\":\"soak_churn_requests_total\",\"value\":1,"
                                + "\"labels\":{\"id\":\"" + (seq % 50_000) + "\",\"path\":\"/p/" + (seq % 37) + "\"}}";
                    default ->
                        "{\"type\":\"gauge\",\"name\":\"soak_churn_temp\",\"value\":" + (seq % 100)
                                + ",\"op\":\"inc\",\"labels\":{\"id\":\"" + (seq % 20_000) + "\"}}";
                };
                valid++;
                n++;
            }
            chunk.add(element);
            sentElements++;
        }
        pipeline.lpush(QUEUE, chunk.toArray(new String[0]));
        pipeline.sync(); // throws if Redis refused: then nothing of this tick is counted, and the run fails
        for (int i = 0; i < SHARDS; i++) {
            checkedCounter[i] += counter[i];
        }
        histogramCount += hCount;
        histogramSum += hSum;
        summaryCount += sCount;
        if (gauge >= 0) {
            lastGaugeValue = gauge;
        }
        validSamples += valid;
        elements += sentElements;
        badValue += bv;
        badJson += bj;
    }

    private void scrape(GatewayClient client) {
        long t0 = System.nanoTime();
        HttpResponse<String> response = client.get("/metrics");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        maxScrapeMillis.accumulateAndGet(millis, Math::max);
        scrapes.incrementAndGet();
        if (response.statusCode() != 200 || !response.body().contains("prom_stream_gateway_processed_metrics_total")) {
            scrapeFailures.incrementAndGet();
        }
    }

    private void health(GatewayClient client) {
        HttpResponse<String> response = client.admin("/healthcheck");
        healthChecks.incrementAndGet();
        if (response.statusCode() != 200) {
            unhealthy.incrementAndGet();
            System.out.println("unhealthy: " + response.body());
        }
    }

    private static final Pattern REMOVED = Pattern.compile("removed (\\d+) series");

    private void reset(GatewayClient client) {
        HttpResponse<String> response = client.adminPost(RESET_PATH);
        resets.incrementAndGet();
        Matcher m = REMOVED.matcher(response.body());
        if (response.statusCode() == 200 && m.find()) {
            seriesRemoved.addAndGet(Long.parseLong(m.group(1)));
        } else {
            resetFailures.incrementAndGet();
            System.out.println("reset-series answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Forces a full GC in the gateway (jcmd GC.run), then reads the heap pools' usage after that collection. */
    private void sampleHeap(GatewayClient client, Process gateway, long started) {
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(gateway.pid()), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                jcmd.destroyForcibly();
                throw new IllegalStateException("jcmd " + gateway.pid() + " GC.run failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd (a JDK, not a JRE, is needed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Map<String, Double> samples = GatewayClient.samples(client.scrape());
        double afterGc = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("jvm_memory_pool_collection_used_bytes{") && isHeapPool(key)) {
                afterGc += e.getValue();
            }
        }
        double used = samples.getOrDefault("jvm_memory_bytes_used{area=\"heap\",}", Double.NaN);
        double at = (System.nanoTime() - started) / 1e9;
        heap.add(new HeapSample(at, afterGc, used));
        System.out.printf(
                "  t=%5.1fs heap used after GC %6.1f MiB (heap used at scrape %6.1f MiB), %,d samples sent%n",
                at, afterGc / 1048576, used / 1048576, validSamples + badValue + badJson);
    }

    private static boolean isHeapPool(String key) {
        return key.contains("Eden") || key.contains("Survivor") || key.contains("Old Gen") || key.contains("Tenured");
    }

    private void check(GatewayClient client, Jedis jedis, Process gateway, double elapsed) {
        if (!gateway.isAlive()) {
            failures.add("the gateway died during the run (exit " + gateway.exitValue() + ")");
            return;
        }
        HttpResponse<String> flush = client.adminPost("/tasks/flush-queue?timeout=60s");
        if (flush.statusCode() != 200) {
            failures.add("flush-queue answered " + flush.statusCode() + ": " + flush.body());
        }
        // what the flush applied leaves the list once its checkpoint covers it (within checkpoint.interval)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long left = jedis.llen(QUEUE);
        while (left != 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000L);
            left = jedis.llen(QUEUE);
        }
        Map<String, Double> metrics = GatewayClient.samples(client.scrape());
        List<String> lines = new ArrayList<>();
        long sent = validSamples + badValue + badJson;
        lines.add(String.format(
                "samples sent %,d in %,d elements over %.1f s: %,.0f samples/s (target %,d); %,d bad "
                        + "(%,d negative counters, %,d broken JSON); queue left after flush-queue: %d",
                sent, elements, elapsed, sent / elapsed, rate, badValue + badJson, badValue, badJson, left));
        if (left != 0) {
            failures.add(left + " elements still queued after flush-queue");
        }
        for (int i = 0; i < SHARDS; i++) {
            expect(lines, "soak_checked_total{shard=\"" + i + "\",}", checkedCounter[i], metrics);
        }
        expect(lines, "soak_checked_latency_seconds_count", histogramCount, metrics);
        expect(lines, "soak_checked_latency_seconds_sum", histogramSum, metrics);
        expect(lines, "soak_checked_size_bytes_count", summaryCount, metrics);
        expect(lines, "soak_checked_last", lastGaugeValue, metrics);
        expect(
                lines,
                "sum of prom_stream_gateway_processed_metrics_total",
                validSamples,
                sum(metrics, "prom_stream_gateway_processed_metrics_total"));
        expect(lines, "prom_stream_gateway_dropped_metrics_total{reason=\"invalid_value\",}", badValue, metrics);
        expect(lines, "prom_stream_gateway_dropped_metrics_total{reason=\"invalid_json\",}", badJson, metrics);
        lines.add(String.format(
                "scrapes of /metrics: %,d (%d failed, slowest %d ms); health checks: %d (%d unhealthy);"
                        + " reset-series calls: %d (%d failed), %,d churn series removed; series at the end: %.0f",
                scrapes.get(),
                scrapeFailures.get(),
                maxScrapeMillis.get(),
                healthChecks.get(),
                unhealthy.get(),
                resets.get(),
                resetFailures.get(),
                seriesRemoved.get(),
                metrics.getOrDefault("prom_stream_gateway_series", Double.NaN)));
        if (scrapeFailures.get() > 0 || unhealthy.get() > 0 || resetFailures.get() > 0) {
            failures.add("failed scrapes, health checks or resets (see above)");
        }
        if (seriesRemoved.get() == 0) {
            failures.add("reset-series never removed a churn series");
        }
        lines.addAll(heapVerdict());
        lines.forEach(l -> System.out.println("SOAK " + l));
        try {
            Files.write(dir.resolve("summary.txt"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.out.println("cannot write the summary: " + e);
        }
    }

    private List<String> heapVerdict() {
        List<String> out = new ArrayList<>();
        List<HeapSample> all = new ArrayList<>(heap);
        StringBuilder series = new StringBuilder("heap used after GC (MiB) by time:");
        for (HeapSample s : all) {
            series.append(String.format(Locale.ROOT, " %.0fs=%.1f", s.atSeconds(), s.usedAfterGcBytes() / 1048576));
        }
        out.add(series.toString());
        double warmUp = Math.max(10, seconds * 0.2);
        List<HeapSample> steady =
                all.stream().filter(s -> s.atSeconds() >= warmUp).toList();
        if (steady.size() < 3) {
            out.add("heap: only " + steady.size() + " samples after the " + warmUp + " s warm-up; too few to judge");
            failures.add("too few heap samples after warm-up (run longer or lower SOAK_HEAP_INTERVAL)");
            return out;
        }
        int k = Math.max(1, steady.size() / 3);
        double baseline = steady.subList(0, k).stream()
                .mapToDouble(HeapSample::usedAfterGcBytes)
                .average()
                .orElseThrow();
        double late = steady.subList(steady.size() - k, steady.size()).stream()
                .mapToDouble(HeapSample::usedAfterGcBytes)
                .average()
                .orElseThrow();
        double growth = late / baseline - 1;
        out.add(String.format(
                Locale.ROOT,
                "heap after warm-up (%.0f s): first %d samples average %.1f MiB, last %d "
                        + "average %.1f MiB: %+.1f%% (limit %+.0f%%)",
                warmUp,
                k,
                baseline / 1048576,
                k,
                late / 1048576,
                growth * 100,
                heapTolerance * 100));
        if (growth > heapTolerance) {
            // bounded tables that fill (each worker's known elements, up to 8,192) grow ever slower; a leak does not
            double early = slope(steady.subList(0, k));
            double lately = slope(steady.subList(steady.size() - k, steady.size()));
            out.add(String.format(
                    Locale.ROOT,
                    "heap growth per minute: %.2f MiB in the first third after warm-up, "
                            + "%.2f MiB in the last (levelling off when at most a quarter)",
                    early * 60 / 1048576,
                    lately * 60 / 1048576));
            if (early <= 0 || lately > early / 4) {
                failures.add(String.format(
                        Locale.ROOT,
                        "heap used after GC grew %.1f%% after warm-up, and not " + "levelling off",
                        growth * 100));
            }
        }
        return out;
    }

    /** Least-squares growth of the heap used after GC, in bytes per second, over {@code samples}. */
    private static double slope(List<HeapSample> samples) {
        double n = samples.size();
        double mt = samples.stream().mapToDouble(HeapSample::atSeconds).sum() / n;
        double mb = samples.stream().mapToDouble(HeapSample::usedAfterGcBytes).sum() / n;
        double num = 0;
        double den = 0;
        for (HeapSample s : samples) {
            num += (s.atSeconds() - mt) * (s.usedAfterGcBytes() - mb);
            den += (s.atSeconds() - mt) * (s.atSeconds() - mt);
        }
        return den == 0 ? 0 : num / den;
    }

    private void expect(List<String> lines, String series, double expected, Map<String, Double> metrics) {
        expect(lines, series, expected, metrics.getOrDefault(series, Double.NaN));
    }

    private void expect(List<String> lines, String what, double expected, double actual) {
        boolean ok = expected == actual;
        lines.add(String.format(
                Locale.ROOT, "%s %s: expected %.1f, got %.1f", ok ? "ok  " : "FAIL", what, expected, actual));
        if (!ok) {
            failures.add(what + " is " + actual + ", expected " + expected);
        }
    }

    private static double sum(Map<String, Double> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }
}
