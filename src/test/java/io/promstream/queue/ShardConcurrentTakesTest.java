package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import io.promstream.testing.Await;
import io.promstream.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Several workers taking from one shard at once, their reads in flight together ({@link Reader}), against a
 * real redis-server: while a producer pushes in bursts (so many reads come back short and void the reads reserved
 * after them), checkpoints trim the tail under the reads, and reads fail mid-flight, every element is handed out
 * exactly once, and in list order by version.
 */
class ShardConcurrentTakesTest {
    private static final int ELEMENTS = 30_000;
    private static final int TAKERS = 4;

    @Test
    void everyElementIsHandedOutOnceInListOrder() throws Exception {
        run(false);
    }

    @Test
    void readsThatFailInFlightLoseAndRepeatNothing() throws Exception {
        run(true);
    }

    private void run(boolean failures) throws Exception {
        try (RedisServer redis = new RedisServer("--enable-debug-command", "yes").start();
                RedisClient jedis = RedisClient.builder()
                        .hostAndPort(new HostAndPort("127.0.0.1", redis.port()))
                        .clientConfig(DefaultJedisClientConfig.builder()
                                .socketTimeoutMillis(failures ? 40 : 5_000)
                                .build())
                        .build()) {
            ShardKeys keys = ShardKeys.of("test:queue", 0, 1);
            MetricStore store =
                    new MetricStore(StoreSettings.defaults(), InstantSource.system(), () -> Long.MAX_VALUE, 1);
            ShardRedis shardRedis = new JedisShardRedis(jedis, keys);
            Shard shard = new Shard(
                    keys,
                    new Lease(shardRedis, "gateway-a:1", 60_000, System::nanoTime),
                    shardRedis,
                    store,
                    new VersionSequence(),
                    7,
                    () -> {});
            assertThat(shard.acquire()).isTrue();
            shard.open();

            Map<Integer, Long> versions = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicLong failed = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < TAKERS; t++) {
                threads.add(started(() -> {
                    QueueBatch batch = new QueueBatch();
                    while (!done.get()) {
                        Shard.Took took;
                        try {
                            took = shard.take(batch, true);
                        } catch (JedisException e) {
                            failed.incrementAndGet(); // a read cut off by the timeout: nothing was taken
                            continue;
                        }
                        if (took == Shard.Took.CLOSED) {
                            return;
                        }
                        if (took != Shard.Took.ELEMENTS) {
                            Thread.onSpinWait();
                            continue;
                        }
                        for (int i = 0; i < batch.size(); i++) {
                            int element = Integer.parseInt(new String(batch.element(i), StandardCharsets.US_ASCII));
                            if (versions.putIfAbsent(element, batch.version(i)) != null) {
                                duplicates.incrementAndGet();
                            }
                        }
                        shard.complete(batch);
                    }
                }));
            }
            AtomicLong committed = new AtomicLong();
            threads.add(started(
                    () -> { // checkpoints trimming what was read, all along
                        while (!done.get()) {
                            try {
                                if (shard.checkpoint(false) == Shard.Checkpointed.COMMITTED) {
                                    committed.incrementAndGet();
                                }
                            } catch (JedisException e) {
                                failed.incrementAndGet(); // its reply lost: the next take or checkpoint settles it
                            }
                        }
                    }));
            try (Jedis producer = redis.client()) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int next = 0; next < ELEMENTS; ) {
                    int burst = Math.min(ELEMENTS - next, 1 + random.nextInt(40));
                    byte[][] items = new byte[burst][];
                    for (int i = 0; i < burst; i++) {
                        items[i] = Integer.toString(next++).getBytes(StandardCharsets.US_ASCII);
                    }
                    producer.lpush(keys.list().getBytes(StandardCharsets.UTF_8), items);
                    if (failures && random.nextInt(200) == 0) { // stalls Redis past the takers' timeout
                        producer.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SLEEP", "0.06");
                    }
                }
                Await.until(
                        Duration.ofSeconds(30),
                        () -> versions.size() == ELEMENTS,
                        () -> versions.size() + " of " + ELEMENTS + " handed out");
            } finally {
                done.set(true);
                for (Thread thread : threads) {
                    thread.join(10_000);
                    assertThat(thread.isAlive())
                            .as("a taker or the checkpointer is stuck")
                            .isFalse();
                }
            }
            assertThat(duplicates.get()).as("elements handed out twice").isZero();
            assertThat(committed.get())
                    .as("checkpoints trimmed under the reads")
                    .isPositive();
            if (failures) {
                assertThat(failed.get()).as("reads cut off in flight").isPositive();
            }
            long before = -1;
            for (Map.Entry<Integer, Long> e : new TreeMap<>(versions).entrySet()) {
                assertThat(e.getValue())
                        .as("element %d's version follows the one before it", e.getKey())
                        .isGreaterThan(before);
                before = e.getValue();
            }
        }
    }

    private static Thread started(Runnable body) {
        Thread thread = new Thread(body);
        thread.setDaemon(true); // one stuck would fail the test, not hang it
        thread.start();
        return thread;
    }
}
