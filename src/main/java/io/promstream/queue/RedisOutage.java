package io.promstream.queue;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared by everything that talks to Redis, so an outage is logged once when it starts and once when it ends. */
public final class RedisOutage {
    private static final Logger LOG = LoggerFactory.getLogger(RedisOutage.class);
    private static final long UP = -1;

    private final InstantSource clock;
    private final AtomicLong downSinceMillis = new AtomicLong(UP);

    public RedisOutage(InstantSource clock) {
        this.clock = clock;
    }

    public void failed(String operation, Exception cause) {
        if (downSinceMillis.get() == UP && downSinceMillis.compareAndSet(UP, clock.millis())) {
            LOG.warn(
                    "Redis unavailable ({} failed: {}); retrying with backoff until it is back",
                    operation,
                    cause.getMessage());
        }
    }

    /** The time a call starts, for {@link #succeeded(long)}. */
    public long mark() {
        return clock.millis();
    }

    /**
     * Redis answered a call that started at {@code mark}: the outage is over only when the call started after it
     * began (one answered just before Redis went away says nothing of now). Call it only when Redis answered.
     */
    public void succeeded(long mark) {
        long since = downSinceMillis.get();
        if (since != UP && mark >= since && downSinceMillis.compareAndSet(since, UP)) {
            LOG.info("Redis available again after {} ms", clock.millis() - since);
        }
    }

    public boolean isDown() {
        return downSinceMillis.get() != UP;
    }
}
