package io.promstream.health;

import com.codahale.metrics.health.HealthCheck;
import io.promstream.ingest.QueueWorker;
import io.promstream.ingest.WorkerPool;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** {@code workers}: every worker's thread alive and its loop seen within the stall timeout. */
public final class WorkersHealthCheck extends HealthCheck {
    private final WorkerPool pool;
    private final InstantSource clock;
    private final Duration stallTimeout;

    public WorkersHealthCheck(WorkerPool pool, InstantSource clock, Duration stallTimeout) {
        this.pool = pool;
        this.clock = clock;
        this.stallTimeout = stallTimeout;
    }

    @Override
    protected Result check() {
        List<String> problems = new ArrayList<>();
        long now = clock.millis();
        for (QueueWorker worker : pool.workers()) {
            long quietMillis = now - worker.lastBeatMillis();
            if (!pool.isAlive(worker)) {
                problems.add("worker " + worker.id() + " is not running (" + worker.state() + ")");
            } else if (quietMillis > stallTimeout.toMillis() && worker.state() != QueueWorker.State.BACKING_OFF) {
                problems.add("worker " + worker.id() + " stuck " + worker.state() + " for " + quietMillis + " ms");
            }
        }
        return problems.isEmpty()
                ? Result.healthy(pool.workers().size() + " workers running")
                : Result.unhealthy(String.join("; ", problems));
    }
}
