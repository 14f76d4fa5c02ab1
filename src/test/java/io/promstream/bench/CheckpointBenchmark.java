package io.promstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code make bench}: what the checkpoints cost, for 100,000 and 1,000,000 series (issue: nothing lost). A gateway
 * process drains one sample for each series, then one more for each (so one checkpoint, or a few, must carry every
 * series as changed); then, with part of another pass read and not yet covered, it is killed with {@code kill -9}
 * and a second gateway loads the checkpoint and re-applies the rest. Printed: checkpoint duration (from the
 * gateway's own histogram), Redis memory for the checkpoint against the raw bytes of the same samples queued, and
 * the replay: load time (from its log) and the time until every sample is counted.
 */
@Tag("bench")
class CheckpointBenchmark {
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOADED = Pattern.compile(
            "\\[([0-9-]+ [0-9:,]+)\\] io.promstream.queue.ShardCoordinator: Acquired shard 0 \\([^)]*\\): (\\d+) series from a checkpoint of (\\d+) bytes in (\\d+) segment\\(s\\), (\\d+) ms");

    @TempDir
    Path dir;

    @Test
    void checkpointCostsAndReplay() throws Exception {
        for (String size :
                System.getProperty("bench.checkpointSeries", "100000,1000000").split(",")) {
            measure(Integer.parseInt(size.trim()));
        }
    }

    private static Map<String, String> config(RedisServer redis) {
        return Map.of(
                "redis.uri",
                redis.uri(),
                "checkpoint.interval",
                "1s",
                "redis.leaseTtl",
                "10s",
                "aggregation.maxSeries",
                "5000000",
                "logging.level",
                "INFO");
    }

    private void measure(int series) throws Exception {
        try (RedisServer redis = new RedisServer().start()) {
            long emptyMemory = usedMemory(redis);
            push(redis, series, 0, series);
            long queuedMemory = usedMemory(redis) - emptyMemory;

            GatewayProcess first = GatewayProcess.start(dir, "checkpoint-" + series, config(redis), "3g");
            try {
                GatewayClient client = first.client();
                awaitCovered(redis, client, series);
                double[] before = histogram(client);
                push(redis, series, 0, series); // every series changes once more
                awaitCovered(redis, client, 2L * series);
                double[] after = histogram(client);
                double seconds = after[0] - before[0];
                double count = after[1] - before[1];
                long partsBytes = partsBytes(redis);
                long checkpointMemory = usedMemory(redis) - emptyMemory; // the list is empty: the checkpoint

                int replayed = series / 2;
                push(redis, series, 0, replayed);
                Await.until(
                        Duration.ofSeconds(120),
                        () -> status(client).path("processed").asLong() > 2L * series + replayed / 4,
                        "the third pass started");
                first.kill9();
                long killed = System.nanoTime();
                GatewayProcess second = GatewayProcess.start(dir, "replay-" + series, config(redis), "3g");
                try {
                    GatewayClient replay = second.client();
                    Await.until(
                            Duration.ofSeconds(300),
                            () -> redisLength(redis) == 0
                                    && status(replay)
                                                    .path("shards")
                                                    .path("held")
                                                    .path(0)
                                                    .path("uncovered")
                                                    .asLong()
                                            == 0,
                            "the second gateway drains the rest");
                    long drained = System.nanoTime();
                    long drainedMillis = System.currentTimeMillis();
                    double total = replay.sum("ckpt_requests_total");
                    assertThat(total)
                            .as("every sample counted once across the kill")
                            .isEqualTo(2.0 * series + replayed);
                    Matcher m = LOADED.matcher(second.log());
                    assertThat(m.find()).as(second.log()).isTrue();
                    System.out.printf(
                            "BENCH checkpoint %,d series: %d checkpoint(s) covering every series changed "
                                    + "took %.3f s in all (%.3f s each); the checkpoint's parts (two passes, not yet compacted) "
                                    + "%,d bytes, Redis memory for them %,d bytes, vs %,d bytes for one sample of each "
                                    + "series queued (ratio %.2f)%n",
                            series,
                            (long) count,
                            seconds,
                            count == 0 ? 0 : seconds / count,
                            partsBytes,
                            checkpointMemory,
                            queuedMemory,
                            checkpointMemory / (double) queuedMemory);
                    long acquired = LocalDateTime.parse(
                                    m.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"))
                            .toInstant(ZoneOffset.UTC)
                            .toEpochMilli();
                    System.out.printf(
                            "BENCH replay %,d series: kill -9 with %,d samples read past the checkpoint; a new "
                                    + "gateway acquired the shard %,d ms after the kill (the dead one's lease ran out: "
                                    + "leaseTtl 10s), loaded %s series (%s bytes, %s segments) in %s ms, and had "
                                    + "everything counted %,d ms after acquiring it (%,d ms after the kill)%n",
                            series,
                            replayed,
                            acquired - (drainedMillis - (drained - killed) / 1_000_000),
                            m.group(2),
                            m.group(3),
                            m.group(4),
                            m.group(5),
                            drainedMillis - acquired,
                            (drained - killed) / 1_000_000);
                } finally {
                    second.close();
                }
            } finally {
                first.close();
            }
        }
    }

    /** Waits until the gateway has taken {@code processed} samples and a checkpoint covers all of them. */
    private static void awaitCovered(RedisServer redis, GatewayClient client, long processed) {
        Await.until(
                Duration.ofSeconds(300),
                () -> {
                    JsonNode status = status(client);
                    return status.path("processed").asLong() >= processed
                            && redisLength(redis) == 0
                            && status.path("shards")
                                            .path("held")
                                            .path(0)
                                            .path("uncovered")
                                            .asLong()
                                    == 0;
                },
                () -> "not covered: " + status(client));
    }

    private static JsonNode status(GatewayClient client) {
        try {
            return JSON.readTree(client.get("/api/status").body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The checkpoint histogram's sum and count. */
    private static double[] histogram(GatewayClient client) {
        String body = client.get("/metrics?name[]=prom_stream_gateway_checkpoint_duration_seconds")
                .body();
        Map<String, Double> samples = GatewayClient.samples(body);
        return new double[] {
            samples.getOrDefault("prom_stream_gateway_checkpoint_duration_seconds_sum", 0.0),
            samples.getOrDefault("prom_stream_gateway_checkpoint_duration_seconds_count", 0.0)
        };
    }

    private static long partsBytes(RedisServer redis) {
        try (Jedis jedis = redis.client()) {
            long bytes = 0;
            for (String part : jedis.lrange(QUEUE + ":{" + QUEUE + "}:checkpoint", 0, -1)) {
                bytes += jedis.strlen(part);
            }
            return bytes;
        }
    }

    private static long redisLength(RedisServer redis) {
        try (Jedis jedis = redis.client()) {
            return jedis.llen(QUEUE);
        }
    }

    private static long usedMemory(RedisServer redis) {
        try (Jedis jedis = redis.client()) {
            for (String line : jedis.info("memory").split("\r\n")) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(
                            line.substring("used_memory:".length()).trim());
                }
            }
        }
        throw new AssertionError("no used_memory in INFO memory");
    }

    /** One counter sample for each of series {@code [from, from + count)}, pipelined. */
    private static void push(RedisServer redis, int series, int from, int count) {
        try (Jedis jedis = redis.client()) {
            Pipeline pipeline = jedis.pipelined();
            byte[] key = QUEUE.getBytes(StandardCharsets.UTF_8);
            byte[][] chunk = new byte[1000][];
            int n = 0;
            for (int i = from; i < from + count; i++) {
                chunk[n++] = ("{\"type\":\"counter\",\"name\":\"ckpt_requests_total\",\"value\":1,\"labels\":"
                                + "{\"service\":\"svc" + (i % 100) + "\",\"route\":\"/r/" + (i % series) + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                if (n == chunk.length) {
                    pipeline.lpush(key, chunk);
                    chunk = new byte[1000][];
                    n = 0;
                }
            }
            if (n > 0) {
                pipeline.lpush(key, Arrays.copyOf(chunk, n));
            }
            pipeline.sync();
        }
    }
}
