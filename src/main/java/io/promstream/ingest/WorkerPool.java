package io.promstream.ingest;

import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the queue workers, one thread each. On stop, every worker stops taking, finishes the batch in hand,
 * and only then does stop return (up to the grace period), so no taken sample is dropped by a shutdown.
 */
public final class WorkerPool implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final List<QueueWorker> workers;
    private final Duration grace;
    private final List<Thread> threads = new ArrayList<>();

    public WorkerPool(List<QueueWorker> workers, Duration grace) {
        this.workers = List.copyOf(workers);
        this.grace = grace;
    }

    @Override
    public void start() {
        for (QueueWorker worker : workers) {
            Thread thread = new Thread(worker, "queue-worker-" + worker.id());
            thread.start();
            threads.add(thread);
        }
        LOG.info("Started {} queue workers", workers.size());
    }

    @Override
    public void stop() throws InterruptedException {
        workers.forEach(QueueWorker::stop);
        long deadline = System.nanoTime() + grace.toNanos();
        for (QueueWorker worker : workers) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!worker.awaitFinished(left, TimeUnit.NANOSECONDS)) {
                LOG.error("Worker {} did not finish within {}; it was {}", worker.id(), grace, worker.state());
            }
        }
        LOG.info("Queue workers stopped");
    }

    public List<QueueWorker> workers() {
        return workers;
    }

    /** Whether the worker's thread is running. */
    public boolean isAlive(QueueWorker worker) {
        int index = workers.indexOf(worker);
        return index >= 0 && index < threads.size() && threads.get(index).isAlive();
    }
}
