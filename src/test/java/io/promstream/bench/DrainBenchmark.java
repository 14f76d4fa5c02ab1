package io.promstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.promstream.Gateway;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.expose.GatewayMetrics;
import io.promstream.ingest.ElementProcessor;
import io.promstream.ingest.reject.RejectionSink;
import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.SampleParser;
import io.promstream.queue.LogLimiter;
import io.promstream.store.Family;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.SeriesSnapshot;
import io.promstream.store.StoreSettings;
import io.promstream.testing.Await;
import io.promstream.testing.RedisServer;
import io.promstream.testing.TestGateways;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code make bench}: queue 1,000,000 counter samples over 1,000 series in a fresh Redis, then measure how
 * fast a gateway drains and aggregates them, next to Redis' own raw drain rate measured in the same round
 * ({@code redis-benchmark -c 2 ... RPOP key 500} on an equally filled list): a fresh gateway's first million,
 * then a second million in the same gateway (the warm rate), then half a million good among as many bad. Each
 * drain checks the total.
 */
@Tag("bench")
class DrainBenchmark {
    private static final int SAMPLES = Integer.getInteger("bench.samples", 1_000_000);
    private static final int SERIES = 1_000;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final String STAGING = "bench:staging";

    @Test
    void drainRate() throws Exception {
        try (RedisServer redis = new RedisServer().start()) {
            List<Double> baseline = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            double cold = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                fill(redis, STAGING, false);
                baseline.add(redisBenchmarkRate(redis));
                fill(redis, STAGING, false);
                plain.add(plainRpopRate(redis));
                DropwizardTestSupport<GatewayConfiguration> app = startGateway(redis);
                double first;
                double second;
                double flood;
                try {
                    Gateway gateway = ((GatewayApplication) app.getApplication()).gateway();
                    fill(redis, STAGING, false);
                    first = drainRate(redis, gateway, SAMPLES);
                    fill(redis, STAGING, false);
                    second = drainRate(redis, gateway, SAMPLES);
                    fill(redis, STAGING, true);
                    flood = drainRate(redis, gateway, SAMPLES / 2);
                } finally {
                    app.after();
                }
                cold = round == 1 ? first : cold;
                warm.add(second);
                System.out.printf(
                        "round %d: a fresh gateway's first million %,.0f samples/s, its second million %,.0f "
                                + "samples/s; redis-benchmark raw RPOP %,.0f elements/s; second million vs raw %.2f; "
                                + "first vs second %.2f%n",
                        round,
                        first,
                        second,
                        baseline.get(round - 1),
                        second / baseline.get(round - 1),
                        first / second);
                System.out.printf(
                        "round %d: the same workers and store with a plain RPOP (no lease, no cursor, no "
                                + "checkpoint: what kill -9 or a lost reply would lose) %,.0f samples/s; the gateway's "
                                + "reliable take %.2f of it; with every other element bad (dead-lettered): %,.0f "
                                + "elements/s (%,.0f good samples/s), %.2f of the clean rate%n",
                        round,
                        plain.get(round - 1),
                        second / plain.get(round - 1),
                        flood * 2,
                        flood,
                        flood * 2 / second);
            }
            double best = warm.stream().mapToDouble(d -> d).max().orElseThrow();
            double bestBaseline = baseline.stream().mapToDouble(d -> d).max().orElseThrow();
            System.out.printf(
                    "BENCH drain: best second million %,.0f samples/s over %,d samples; best raw Redis drain "
                            + "%,.0f/s; ratio %.2f%n",
                    best, SAMPLES, bestBaseline, best / bestBaseline);
            System.out.printf(
                    "BENCH cold drain: the JVM's first gateway's first million %,.0f samples/s; %.2f of the "
                            + "raw drain of its round, %.2f of that gateway's second million%n",
                    cold, cold / baseline.get(0), cold / warm.get(0));
            double bestPlain = plain.stream().mapToDouble(d -> d).max().orElseThrow();
            System.out.printf(
                    "BENCH reliable take: best gateway %,.0f samples/s; best plain-RPOP drain through the same "
                            + "workers and store %,.0f samples/s; ratio %.2f%n",
                    best, bestPlain, best / bestPlain);
        }
    }

    /**
     * Queues the samples under {@code key}, pipelined in chunks of 1,000 per LPUSH; with {@code flood} every
     * other element is bad (broken JSON or a negative counter) and only half the samples are good.
     */
    private static void fill(RedisServer redis, String key, boolean flood) {
        try (Jedis jedis = redis.client()) {
            jedis.del(key);
            Pipeline pipeline = jedis.pipelined();
            byte[][] chunk = new byte[1000][];
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < SAMPLES; i += chunk.length) {
                for (int j = 0; j < chunk.length; j++) {
                    int n = i + j;
                    if (flood && n % 2 == 1) {
                        chunk[j] = (n % 4 == 1
                                        ? "{\"type\":\"counter\",\"name\":\"bench_requests_total\",\"value\":-1}"
                                        : "{\"type\":\"counter\",\"name\":\"bench_requests_total\",\"value\":1,broken")
                                .getBytes(StandardCharsets.UTF_8);
                        continue;
                    }
                    chunk[j] = ("{\"type\":\"counter\",\"name\":\"bench_requests_total\",\"value\":1,"
                                    + "\"labels\":{\"service\":\"svc" + (n % 10) + "\",\"route\":\"/r"
                                    + (n % SERIES / 10)
                                    + "\",\"code\":\"200\"}}")
                            .getBytes(StandardCharsets.UTF_8);
                }
                pipeline.lpush(keyBytes, chunk);
            }
            pipeline.sync();
            assertThat(jedis.llen(key)).isEqualTo(SAMPLES);
        }
    }

    /**
     * The baseline for the reliable take: two threads doing what the gateway's workers did before it (RPOP 500,
     * parse, apply to a store), without leases, cursors or checkpoints; their element processing is the workers'.
     *
     * @return samples per second
     */
    private static double plainRpopRate(RedisServer redis) throws Exception {
        MetricStore store = new MetricStore(StoreSettings.defaults(), InstantSource.system());
        GatewayMetrics metrics = new GatewayMetrics(store);
        SampleParser parser = new SampleParser(65_536);
        Rejections rejections = new Rejections(
                metrics.dropped(), new LogLimiter(InstantSource.system(), 10, 10_000), RejectionSink.NONE);
        byte[] key = STAGING.getBytes(StandardCharsets.UTF_8);
        AtomicLong applied = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int t = 0; t < 2; t++) {
            ElementProcessor processor =
                    new ElementProcessor(parser.forOneThread(), store, rejections, metrics.misrouted(), null);
            Partition partition = store.partition(0);
            Thread thread = new Thread(() -> {
                try (Jedis jedis = redis.client()) {
                    while (true) {
                        List<byte[]> items = jedis.rpop(key, 500);
                        if (items == null || items.isEmpty()) {
                            return;
                        }
                        long now = System.currentTimeMillis();
                        int n = 0;
                        for (byte[] item : items) {
                            n += processor.process(item, Long.MAX_VALUE, now, "bench", partition, 1); // as a worker
                        }
                        applied.addAndGet(n);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = System.nanoTime() - started;
        assertThat(applied.get()).as("every sample applied once").isEqualTo(SAMPLES);
        return SAMPLES / (elapsed / 1e9);
    }

    /** redis-benchmark with 2 clients popping 500 at a time from a copy of the filled list. */
    private static double redisBenchmarkRate(RedisServer redis) throws IOException, InterruptedException {
        String key = "bench:raw";
        try (Jedis jedis = redis.client()) {
            jedis.del(key);
            jedis.copy(STAGING, key, true);
        }
        int requests = SAMPLES / 500;
        Process process = new ProcessBuilder(
                        "redis-benchmark",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(redis.port()),
                        "-c",
                        "2",
                        "-n",
                        Integer.toString(requests),
                        "-q",
                        "RPOP",
                        key,
                        "500")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("([0-9.]+) requests per second").matcher(output);
        assertThat(m.find()).as("redis-benchmark output: %s", output).isTrue();
        try (Jedis jedis = redis.client()) {
            assertThat(jedis.llen(key)).as("redis-benchmark drained the list").isZero();
        }
        return Double.parseDouble(m.group(1)) * 500;
    }

    /** A gateway on an empty queue, as shipped but for its log level, its checkpoints gone from an earlier one. */
    private static DropwizardTestSupport<GatewayConfiguration> startGateway(RedisServer redis) throws Exception {
        try (Jedis jedis = redis.client()) { // the last run's checkpoints: this run starts from nothing
            for (String key : jedis.keys(QUEUE + "*")) {
                jedis.del(key);
            }
        }
        DropwizardTestSupport<GatewayConfiguration> app = TestGateways.support(
                redis,
                ConfigOverride.config("redis.workers", "2"),
                ConfigOverride.config("redis.popCount", "500"),
                ConfigOverride.config("checkpoint.interval", "1s"), // the shipped default (the tests use less)
                ConfigOverride.config("redis.leaseTtl", "10s"),
                ConfigOverride.config("logging.level", "ERROR"),
                ConfigOverride.config(
                        "redis.deadLetterKey", System.getProperty("bench.dlk", "prom-stream-gateway:dead-letter")));
        app.before();
        return app;
    }

    /**
     * Swaps the filled list into the running gateway's (empty) queue and times the drain until the counters have
     * grown by exactly {@code good}.
     *
     * @return good samples per second
     */
    private static double drainRate(RedisServer redis, Gateway gateway, int good) throws Exception {
        MetricStore store = gateway.store();
        double totalBefore = total(store);
        double processedBefore = gateway.metrics().processedTotal();
        long started;
        double redisCpuBefore;
        try (Jedis jedis = redis.client()) {
            Await.until(
                    Duration.ofMinutes(1),
                    () -> !jedis.exists(QUEUE) || jedis.llen(QUEUE) == 0,
                    "the queue is empty (trimmed) before the next list is swapped in");
            jedis.configResetStat();
            redisCpuBefore = redisCpu(jedis);
            started = System.nanoTime();
            jedis.rename(STAGING, QUEUE);
        }
        // poll a cheap counter, parking in between: a spinning check would steal a core from the workers
        while (gateway.metrics().processedTotal() - processedBefore < good) {
            if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(5)) {
                throw new AssertionError("drain took over 5 minutes; applied " + (total(store) - totalBefore));
            }
            LockSupport.parkNanos(1_000_000);
        }
        long elapsed = System.nanoTime() - started;
        try (Jedis jedis = redis.client()) {
            System.out.printf(
                    "  Redis' main thread busy %.0f%% of the drain; %s%n",
                    100 * (redisCpu(jedis) - redisCpuBefore) / (elapsed / 1e9),
                    jedis.info("commandstats")
                            .lines()
                            .filter(l -> l.matches("cmdstat_(lrange|evalsha|ltrim):.*"))
                            .map(l -> l.replaceAll(
                                    "cmdstat_([a-z]+):calls=([0-9]+),usec=[0-9]+,usec_per_call=([0-9.]+).*",
                                    "$1 $2 x $3 us"))
                            .toList());
        }
        assertThat(total(store) - totalBefore)
                .as("every sample counted exactly once")
                .isEqualTo(good);
        assertThat(store.seriesCount()).isLessThanOrEqualTo(SERIES);
        return good / (elapsed / 1e9);
    }

    /** Seconds of CPU Redis' main thread has used. */
    private static double redisCpu(Jedis jedis) {
        double seconds = 0;
        for (String line : jedis.info("cpu").split("\r\n")) {
            if (line.startsWith("used_cpu_sys_main_thread:") || line.startsWith("used_cpu_user_main_thread:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
            }
        }
        return seconds;
    }

    private static double total(MetricStore store) {
        Family family = store.family("bench_requests");
        if (family == null) {
            return 0;
        }
        double sum = 0;
        for (SeriesSnapshot s : store.snapshot(family)) {
            sum += s.value();
        }
        return sum;
    }
}
