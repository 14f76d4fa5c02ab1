package io.promstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.Routing;
import io.promstream.queue.ShardKeys;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisCluster;
import io.promstream.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * {@code make bench-cluster}: the Lambda pattern, 48 senders doing one non-pipelined {@code LPUSH} each
 * ({@code redis-benchmark}, 12 processes of 4 clients), against one Redis drained by one gateway, then against a
 * 3-master Redis Cluster (with replicas) drained by two gateways, the senders routing every sample onto its
 * series' shard (12 shards) and talking to the master of that shard's slot. Printed for each: samples/s
 * accepted, the highest queue length seen while the senders ran, how long the gateways took to finish after
 * them, and that every sample was counted once. Everything runs on this machine, so the cluster's masters share
 * its cores: the arithmetic for a real deployment is in the README.
 */
@Tag("bench-cluster")
class ClusterBenchmark {
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final String NAME = "bench_cluster_requests_total";
    private static final int SHARDS = 12;
    private static final int CLIENTS = 4; // per redis-benchmark process, one process per shard
    private static final int PER_PROCESS = Integer.getInteger("bench.perProcess", 40_000);

    @TempDir
    Path dir;

    /** The sample of a series routed to shard {@code shard} of {@code shards} (~117 bytes, as the issue's). */
    private static String element(int shard, int shards) {
        for (int i = 0; ; i++) {
            String k = "route-" + i;
            if (Routing.shardOf(NAME, new String[] {"k", "service"}, new String[] {k, "checkout"}, 2, shards)
                    == shard) {
                return "{\"type\":\"counter\",\"name\":\"" + NAME + "\",\"value\":1,\"labels\":{\"service\":"
                        + "\"checkout\",\"k\":\"" + k + "\"}}";
            }
        }
    }

    private record Result(double rate, long maxPending, long drainMillis, long total) {}

    @Test
    void sendersOnOneRedisAndOnACluster() throws Exception {
        Result single;
        try (RedisServer redis = new RedisServer().start();
                GatewayProcess gateway =
                        GatewayProcess.start(dir, "single", gatewayConfig(Map.of("redis.uri", redis.uri())))) {
            List<List<String>> senders = new ArrayList<>();
            for (int s = 0; s < SHARDS; s++) {
                senders.add(benchmark(redis.port(), QUEUE, element(0, 1)));
            }
            single = run(
                    senders,
                    () -> {
                        try (Jedis jedis = redis.client()) {
                            return jedis.llen(QUEUE);
                        }
                    },
                    List.of(gateway.client()));
        }
        Result cluster;
        try (RedisCluster redis = new RedisCluster().start()) {
            Map<String, String> config = new HashMap<>(Map.of(
                    "redis.clusterNodes", String.join(",", redis.seeds()), "redis.shards", Integer.toString(SHARDS)));
            try (GatewayProcess a = GatewayProcess.start(dir, "cluster-a", gatewayConfig(config));
                    GatewayProcess b = GatewayProcess.start(dir, "cluster-b", gatewayConfig(config));
                    JedisCluster client = redis.client()) {
                List<List<String>> senders = new ArrayList<>();
                for (int s = 0; s < SHARDS; s++) {
                    String list = ShardKeys.of(QUEUE, s, SHARDS).list();
                    senders.add(benchmark(redis.masterOf(list), list, element(s, SHARDS)));
                }
                cluster = run(
                        senders,
                        () -> {
                            long total = 0;
                            for (int s = 0; s < SHARDS; s++) {
                                total += client.llen(
                                        ShardKeys.of(QUEUE, s, SHARDS).list());
                            }
                            return total;
                        },
                        List.of(a.client(), b.client()));
            }
        }
        print("one Redis, one gateway", single);
        print("3-master cluster, 12 shards, two gateways", cluster);
        System.out.printf(
                "BENCH cluster: accepted rate on the cluster %.2f of one Redis on this 2-core machine "
                        + "(its three masters, both gateways and the senders share the two cores)%n",
                cluster.rate / single.rate);
    }

    private static void print(String what, Result r) {
        System.out.printf(
                "BENCH cluster: %s: %,d samples from %d non-pipelined LPUSH clients accepted at %,.0f/s; "
                        + "list length at most %,d while they pushed (read but not yet trimmed included: up to a checkpoint interval); drained and counted exactly %,d ms after they stopped%n",
                what, r.total, SHARDS * CLIENTS, r.rate, r.maxPending, r.drainMillis);
    }

    private static Map<String, String> gatewayConfig(Map<String, String> extra) {
        Map<String, String> config =
                new HashMap<>(Map.of("checkpoint.interval", "1s", "redis.leaseTtl", "10s", "redis.workers", "2"));
        config.putAll(extra);
        return config;
    }

    private static List<String> benchmark(int port, String key, String element) {
        return List.of(
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-c",
                Integer.toString(CLIENTS),
                "-n",
                Integer.toString(PER_PROCESS),
                "-q",
                "LPUSH",
                key,
                element);
    }

    private Result run(List<List<String>> senders, LongSupplier pending, List<GatewayClient> gateways)
            throws IOException, InterruptedException {
        long total = (long) senders.size() * PER_PROCESS;
        AtomicLong maxPending = new AtomicLong();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        List<Process> processes = new ArrayList<>();
        long started = System.nanoTime();
        var unused = watcher.scheduleAtFixedRate(
                () -> {
                    try {
                        maxPending.accumulateAndGet(pending.getAsLong(), Math::max);
                    } catch (RuntimeException e) {
                        // a sample lost to a busy Redis: the next one counts
                    }
                },
                0,
                250,
                TimeUnit.MILLISECONDS);
        for (List<String> command : senders) {
            processes.add(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            dir.resolve("sender-" + processes.size() + ".log").toFile())
                    .start());
        }
        for (Process p : processes) {
            assertThat(p.waitFor()).isZero();
        }
        long pushed = System.nanoTime();
        watcher.shutdownNow();
        watcher.awaitTermination(10, TimeUnit.SECONDS);
        Await.until(
                Duration.ofSeconds(300),
                () -> pending.getAsLong() == 0 && sum(gateways) == total,
                () -> "counted " + sum(gateways) + " of " + total + "; " + pending.getAsLong() + " pending");
        long drained = System.nanoTime();
        return new Result(total / ((pushed - started) / 1e9), maxPending.get(), (drained - pushed) / 1_000_000, total);
    }

    private static double sum(List<GatewayClient> gateways) {
        double total = 0;
        for (GatewayClient g : gateways) {
            total += g.sum(NAME);
        }
        return total;
    }
}
