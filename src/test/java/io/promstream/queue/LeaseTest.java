package io.promstream.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.queue.sim.RedisModel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Lease} over the model of Redis, on a clock the test moves. */
class LeaseTest {
    private final AtomicLong millis = new AtomicLong(1_000);
    private final RedisModel redis = new RedisModel(1, millis::get);

    private Lease lease(String token) {
        return new Lease(redis.shard(0), token, 3_000, () -> TimeUnit.MILLISECONDS.toNanos(millis.get()));
    }

    @Test
    void oneTenureHoldsItUntilItRunsOutUnrenewed() {
        Lease a = lease("a:1");
        Lease b = lease("b:1");
        assertThat(a.acquire()).isTrue();
        assertThat(b.acquire()).isFalse();
        millis.addAndGet(2_000);
        assertThat(a.renew()).isEqualTo(ShardRedis.Renewal.RENEWED);
        assertThat(a.expired()).isFalse();
        millis.addAndGet(2_999);
        assertThat(a.expired()).isFalse();
        assertThat(b.acquire()).isFalse();
        millis.addAndGet(1);
        assertThat(a.expired())
                .as("the local deadline is never later than the server's")
                .isTrue();
        assertThat(b.acquire()).isTrue();
        assertThat(a.renew()).isEqualTo(ShardRedis.Renewal.LOST);
        assertThat(a.expired()).isTrue();
    }

    @Test
    void aFailoverIsSeenByTheRenewalEvenWhenTheLeaseCameThrough() {
        Lease a = lease("a:1");
        assertThat(a.acquire()).isTrue();
        redis.sync(0); // the replica has the lease
        redis.failover(0);
        assertThat(a.renew()).isEqualTo(ShardRedis.Renewal.MOVED);
        assertThat(a.expired()).as("not held on the new history").isTrue();
        Lease again = lease("a:2");
        assertThat(again.acquire())
                .as("the old tenure's lease stands until it runs out")
                .isFalse();
        a.release();
        assertThat(again.acquire()).isTrue();
    }
}
