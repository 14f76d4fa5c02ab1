package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.queue.sim.RedisModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** {@link Checkpoints} over the model of Redis: commits trim what they cover, lost replies are settled. */
class CheckpointsTest {
    private final RedisModel redis = new RedisModel(1, () -> 0L);
    private final ShardKeys keys = ShardKeys.of("cp:queue", 0, 1);
    private final AtomicInteger abandoned = new AtomicInteger();

    private Checkpoints.Capture capture(String text, boolean full) {
        return new Checkpoints.Capture(text.getBytes(StandardCharsets.UTF_8), full, false, abandoned::incrementAndGet);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aCommitTrimsWhatItCoversAndTheNextTenureLoadsIt() throws Exception {
        for (int i = 0; i < 5; i++) {
            redis.lpush(0, ("e" + i).getBytes(StandardCharsets.UTF_8));
        }
        Lease lease = new Lease(redis.shard(0), "a:1", 60_000, () -> 0L);
        assertThat(lease.acquire()).isTrue();
        Checkpoints checkpoints = new Checkpoints(redis.shard(0), keys, "a:1");
        assertThat(checkpoints.load()).isEmpty();
        Reader reader = new Reader(3, 0);
        Reader.Read read = reader.reserve();
        ShardRedis.Fenced fenced = redis.shard(0).read(lease.token(), 0, lease.history(), 0, 3);
        reader.returned(read, true);
        reader.settle(read, fenced);

        Checkpoints.Capture first = capture("[e0 e1 e2]", false);
        List<String> written = checkpoints.write(first);
        assertThat(checkpoints.commit(lease, reader, first, written, reader.cursor()))
                .isEqualTo(Checkpoints.Outcome.COMMITTED);
        assertThat(redis.elements(0)).extracting(CheckpointsTest::text).containsExactly("e3", "e4");
        assertThat(redis.trimmedCount(0)).isEqualTo(3);

        lease.release();
        Lease next = new Lease(redis.shard(0), "b:1", 60_000, () -> 0L);
        assertThat(next.acquire()).isTrue();
        Checkpoints loaded = new Checkpoints(redis.shard(0), keys, "b:1");
        assertThat(text(loaded.load())).isEqualTo("[e0 e1 e2]");
    }

    @Test
    void aCommitWhoseReplyWasLostIsSettledFromTheTrimmedCount() {
        redis.lpush(0, "e0".getBytes(StandardCharsets.UTF_8));
        ShardRedis real = redis.shard(0);
        boolean[] loseReply = {true};
        ShardRedis lossy = new ForwardingShardRedis(real) {
            @Override
            public Committed commit(
                    byte[] token,
                    byte[] history,
                    long trimmed,
                    long cut,
                    boolean full,
                    List<String> written,
                    List<String> replaced) {
                Committed done = super.commit(token, history, trimmed, cut, full, written, replaced);
                if (loseReply[0]) {
                    throw new JedisConnectionException("reply lost");
                }
                return done;
            }
        };
        Lease lease = new Lease(lossy, "a:1", 60_000, () -> 0L);
        lease.acquire();
        Checkpoints checkpoints = new Checkpoints(lossy, keys, "a:1");
        Reader reader = new Reader(1, 0);
        Reader.Read read = reader.reserve();
        reader.returned(read, true);
        reader.settle(read, real.read(lease.token(), 0, lease.history(), 0, 1));
        Checkpoints.Capture capture = capture("[e0]", false);
        List<String> written = checkpoints.write(capture);
        try {
            checkpoints.commit(lease, reader, capture, written, 1);
        } catch (JedisConnectionException expected) {
            // the commit landed; its reply did not
        }
        assertThat(checkpoints.unresolved()).isTrue();
        assertThat(checkpoints.resolve(lease, reader)).isEqualTo(Checkpoints.Outcome.COMMITTED);
        assertThat(reader.trimmed()).as("the landed commit is counted").isEqualTo(1);
        assertThat(reader.cursor()).isZero();
        assertThat(abandoned).hasValue(0);
    }

    @Test
    void aFailoverThatTookBackTheTrimIsMovedNotCommitted() {
        for (int i = 0; i < 3; i++) {
            redis.lpush(0, ("e" + i).getBytes(StandardCharsets.UTF_8));
        }
        redis.sync(0);
        Lease lease = new Lease(redis.shard(0), "a:1", 60_000, () -> 0L);
        lease.acquire();
        redis.sync(0); // the replica has the lease, not what follows
        Checkpoints checkpoints = new Checkpoints(redis.shard(0), keys, "a:1");
        Reader reader = new Reader(3, 0);
        Reader.Read read = reader.reserve();
        reader.returned(read, true);
        reader.settle(read, redis.shard(0).read(lease.token(), 0, lease.history(), 0, 3));
        redis.failover(0);
        Checkpoints.Capture capture = capture("[e0 e1 e2]", false);
        List<String> written = checkpoints.write(capture);
        assertThat(checkpoints.commit(lease, reader, capture, written, 3)).isEqualTo(Checkpoints.Outcome.MOVED);
        assertThat(abandoned).hasValue(1);
        assertThat(redis.elements(0)).hasSize(3);
    }
}
