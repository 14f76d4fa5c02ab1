package io.promstream.queue;

import java.util.concurrent.ThreadLocalRandom;

/** Bounded exponential backoff with jitter: min, 2*min, 4*min ... up to max, each +-20%. Not thread-safe. */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(long minMillis, long maxMillis) {
        this.minMillis = Math.max(1, minMillis);
        this.maxMillis = Math.max(this.minMillis, maxMillis);
        this.nextMillis = this.minMillis;
    }

    /** The delay to wait now; each call without a {@link #reset()} doubles the next one, up to the max. */
    public long nextDelayMillis() {
        long base = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        long jitter = base / 5;
        return jitter == 0 ? base : base - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
    }

    public void reset() {
        nextMillis = minMillis;
    }
}
