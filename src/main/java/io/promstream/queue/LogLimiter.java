package io.promstream.queue;

import java.time.InstantSource;

/**
 * Lets at most {@code perInterval} log lines through per interval and counts the rest, so a flood of bad
 * input cannot flood the log. Thread-safe.
 */
public final class LogLimiter {
    private final InstantSource clock;
    private final int perInterval;
    private final long intervalMillis;
    private long windowStart;
    private int used;
    private long suppressed;

    public LogLimiter(InstantSource clock, int perInterval, long intervalMillis) {
        this.clock = clock;
        this.perInterval = perInterval;
        this.intervalMillis = intervalMillis;
        this.windowStart = clock.millis();
    }

    /**
     * Whether a line may be logged now.
     *
     * @return -1 when the line must be dropped; otherwise how many lines were dropped since the last one let
     *     through (to mention in it)
     */
    public synchronized long tryAcquire() {
        long now = clock.millis();
        if (now - windowStart >= intervalMillis) {
            windowStart = now;
            used = 0;
        }
        if (used >= perInterval) {
            suppressed++;
            return -1;
        }
        used++;
        long dropped = suppressed;
        suppressed = 0;
        return dropped;
    }
}
