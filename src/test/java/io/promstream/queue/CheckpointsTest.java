package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.queue.sim.RedisModel;
import io.promstream.store.CheckpointCodec;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
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

    /**
     * A capture of the real store whose parts could not be written is abandoned and taken again: the series it
     * numbered are written with their labels again, so a takeover reads every one (docs/semantics.md, Checkpoints).
     */
    @Test
    void aStoreCaptureThatWasNotWrittenIsTakenAgainWithTheLabelsItNumbered() throws Exception {
        boolean[] failWrites = {false};
        ShardRedis flaky = new ForwardingShardRedis(redis.shard(0)) {
            @Override
            public boolean writePart(byte[] token, String name, byte[] bytes) {
                if (failWrites[0]) {
                    throw new JedisConnectionException("connection reset");
                }
                return super.writePart(token, name, bytes);
            }
        };
        Lease lease = new Lease(flaky, "a:1", 60_000, () -> 0L);
        assertThat(lease.acquire()).isTrue();
        Checkpoints checkpoints = new Checkpoints(flaky, keys, "a:1");
        Reader reader = new Reader(3, 0);
        MetricStore store = new MetricStore(StoreSettings.defaults(), InstantSource.system(), () -> Long.MAX_VALUE, 1);
        Partition p = store.openPartition(0);

        count(store, p, "old");
        assertThat(commit(checkpoints, lease, reader, capture(store, p, checkpoints)))
                .isEqualTo(Checkpoints.Outcome.COMMITTED);
        count(store, p, "old");
        count(store, p, "new"); // numbered by the capture that is not written
        failWrites[0] = true;
        Checkpoints.Capture lost = capture(store, p, checkpoints);
        assertThatThrownBy(() -> checkpoints.write(lost)).isInstanceOf(JedisConnectionException.class);
        checkpoints.abandon(lost);
        failWrites[0] = false;
        count(store, p, "new");
        assertThat(commit(checkpoints, lease, reader, capture(store, p, checkpoints)))
                .isEqualTo(Checkpoints.Outcome.COMMITTED);

        lease.release();
        Lease next = new Lease(redis.shard(0), "b:1", 60_000, () -> 0L);
        assertThat(next.acquire()).isTrue();
        MetricStore restored =
                new MetricStore(StoreSettings.defaults(), InstantSource.system(), () -> Long.MAX_VALUE, 1);
        CheckpointCodec.load(restored, restored.openPartition(0), new Checkpoints(redis.shard(0), keys, "b:1").load());
        assertThat(restored.snapshot(restored.family("a")))
                .extracting(s -> s.labels().get("k") + "=" + s.value())
                .containsExactlyInAnyOrder("old=2.0", "new=2.0");
    }

    private static void count(MetricStore store, Partition p, String key) {
        Sample sample = new Sample().type(MetricType.COUNTER).name("a").value(1).label("k", key);
        sample.canonicalizeLabels();
        assertThat(store.apply(sample, 0, 0, p)).isNull();
    }

    /** What {@code Checkpointing} captures: the partition's changes as a segment. */
    private static Checkpoints.Capture capture(MetricStore store, Partition p, Checkpoints checkpoints) {
        CheckpointCodec.Segment segment = CheckpointCodec.take(store, p, checkpoints.wantFull());
        return new Checkpoints.Capture(segment.bytes(), segment.isFull(), segment.isEmpty(), segment::abandon);
    }

    private static Checkpoints.Outcome commit(
            Checkpoints checkpoints, Lease lease, Reader reader, Checkpoints.Capture capture) {
        return checkpoints.commit(lease, reader, capture, checkpoints.write(capture), 0);
    }
}
