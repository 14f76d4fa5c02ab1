package io.promstream.health;

import com.codahale.metrics.health.HealthCheck;
import io.promstream.ingest.QueueMonitor;

/** {@code backlog}: the queue length at the last poll is under {@code redis.backlogLimit}. */
public final class BacklogHealthCheck extends HealthCheck {
    private final QueueMonitor monitor;
    private final long limit;

    public BacklogHealthCheck(QueueMonitor monitor, long limit) {
        this.monitor = monitor;
        this.limit = limit;
    }

    @Override
    protected Result check() {
        long length = monitor.length();
        if (length == QueueMonitor.UNKNOWN) {
            return Result.unhealthy("queue length unknown: " + monitor.lastError());
        }
        return length < limit
                ? Result.healthy(length + " pending")
                : Result.unhealthy(length + " pending, at or over the limit of " + limit);
    }
}
