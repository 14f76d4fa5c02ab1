package io.promstream.queue;

import io.prometheus.client.Counter;

/**
 * The Redis calls of one operation ({@code take}, {@code lease}, {@code checkpoint}...): a failure is counted in
 * {@code redis_errors_total{operation}} and reported to the outage shared by every operation, which logs once when
 * Redis goes away and once when it is back.
 */
public final class RedisCalls {
    private final String operation;
    private final Counter.Child errors;
    private final RedisOutage outage;

    public RedisCalls(String operation, Counter.Child errors, RedisOutage outage) {
        this.operation = operation;
        this.errors = errors;
        this.outage = outage;
    }

    /** The time a call starts, for {@link #answered}. */
    public long start() {
        return outage.mark();
    }

    /** Redis answered a call that started at {@code mark}. */
    public void answered(long mark) {
        outage.succeeded(mark);
    }

    /** A call failed. */
    public void failed(Exception cause) {
        errors.inc();
        outage.failed(operation, cause);
    }

    /** A call failed, of another operation than this one's name says (a checkpoint load, for the lease's calls). */
    public void failed(String what, Exception cause) {
        errors.inc();
        outage.failed(what, cause);
    }
}
