package io.promstream.queue;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A gateway's lease on one shard: taken for a token of this tenure, on the replication history of the node that
 * gave it, renewed every third of its time. The local deadline counts from before each call that set it, so it
 * never outlives the lease on the server: while it has not passed, no other gateway can hold the shard.
 * Thread-safe.
 */
public final class Lease {
    private final ShardRedis redis;
    private final String tokenName;
    private final byte[] token;
    private final long ttlMillis;
    private final LongSupplier nanos;
    private volatile byte[] history;
    private volatile long deadlineNanos;
    private volatile long exposeFromNanos;
    private volatile boolean held;

    /** @param token unique to this tenure: the gateway's id and a random part */
    public Lease(ShardRedis redis, String token, long ttlMillis, LongSupplier nanos) {
        this.redis = redis;
        this.tokenName = token;
        this.token = ShardKeys.bytes(token);
        this.ttlMillis = ttlMillis;
        this.nanos = nanos;
        this.deadlineNanos = nanos.getAsLong();
    }

    /** Tries to take the lease; true when this tenure holds it now. */
    public boolean acquire() {
        long started = nanos.getAsLong();
        ShardRedis.Acquired acquired = redis.acquire(token, ttlMillis);
        if (acquired.held()) {
            history = acquired.history();
            deadlineNanos = started + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
            // after a failover a holder from before it may expose the shard until its own deadline: at most a lease
            // after its last renewal, which the server ran before the failover was noticed
            exposeFromNanos = acquired.waitMillis() > 0
                    ? nanos.getAsLong() + TimeUnit.MILLISECONDS.toNanos(acquired.waitMillis())
                    : started;
            held = true;
        }
        return acquired.held();
    }

    /** Extends the lease; a lease lost or moved to another history is not held any more. */
    public ShardRedis.Renewal renew() {
        long started = nanos.getAsLong();
        ShardRedis.Renewal renewal = redis.renew(token, ttlMillis, history);
        if (renewal == ShardRedis.Renewal.RENEWED) {
            deadlineNanos = started + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        } else {
            held = false;
        }
        return renewal;
    }

    /** Gives the lease up (if it is still this tenure's on the server). */
    public void release() {
        held = false;
        redis.release(token);
    }

    /** Whether the lease may have run out by now: no renewal was confirmed in time. */
    public boolean expired() {
        return !held || nanos.getAsLong() - deadlineNanos >= 0;
    }

    /** From when (in {@code nanos} time) no other tenure can think the lease its own. */
    public long exposeFromNanos() {
        return exposeFromNanos;
    }

    /** Until when (in {@code nanos} time) the lease is surely this tenure's. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    public byte[] token() {
        return token;
    }

    public String tokenName() {
        return tokenName;
    }

    /** The clock the deadline is counted on. */
    public long now() {
        return nanos.getAsLong();
    }

    /** The replication id of the node that gave the lease ({@code null} before it was taken). */
    public byte[] history() {
        return history;
    }
}
