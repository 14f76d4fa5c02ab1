package io.promstream.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.promstream.ingest.QueueFlusher;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /tasks/flush-queue[?timeout=60s]}: applies everything queued at the time of the call and
 * replies once all of it is visible on {@code /metrics}.
 */
public final class FlushQueueTask extends Task {
    private final QueueFlusher flusher;

    public FlushQueueTask(QueueFlusher flusher) {
        super("flush-queue");
        this.flusher = flusher;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        Duration timeout = Duration.ofSeconds(60);
        List<String> given = parameters.getOrDefault("timeout", List.of());
        if (!given.isEmpty()) {
            try {
                timeout = Duration.ofMillis(
                        io.dropwizard.util.Duration.parse(given.get(0)).toMilliseconds());
            } catch (IllegalArgumentException e) {
                throw new TaskError("timeout must be a duration like 30s, got \"" + given.get(0) + "\"");
            }
        }
        try {
            QueueFlusher.Flushed flushed = flusher.flush(timeout);
            output.println("flushed " + flushed.elements() + " elements"
                    + (flushed.of() == 1
                            ? ""
                            : " from the " + flushed.shards() + " of " + flushed.of()
                                    + " shards held here (the others are flushed by the gateways holding them)"));
        } catch (TimeoutException e) {
            throw new TaskError(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskError("interrupted while waiting for the flush");
        }
    }
}
