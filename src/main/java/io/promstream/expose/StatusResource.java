package io.promstream.expose;

import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.RedisQueue;
import io.promstream.ingest.WorkerPool;
import io.promstream.parse.RejectReason;
import io.promstream.store.MetricStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/status}: what the gateway holds and how its ingestion is doing, as JSON. */
@Path("/api/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {
    private final MetricStore store;
    private final GatewayMetrics metrics;
    private final RedisQueue queue;
    private final QueueMonitor monitor;
    private final WorkerPool workers;
    private final InstantSource clock;
    private final long startedMillis;
    private final String version;

    public StatusResource(MetricStore store, GatewayMetrics metrics, RedisQueue queue, QueueMonitor monitor,
            WorkerPool workers, InstantSource clock, String version) {
        this.store = store;
        this.metrics = metrics;
        this.queue = queue;
        this.monitor = monitor;
        this.workers = workers;
        this.clock = clock;
        this.startedMillis = clock.millis();
        this.version = version;
    }

    public record Queue(String key, Long length, long taken) {
    }

    public record Worker(String id, String state, boolean alive, long lastSeenMillisAgo) {
    }

    public record Status(String version, long uptimeSeconds, int series, int families, int maxSeries,
            Queue queue, long processed, Map<String, Long> dropped, List<Worker> workers) {
    }

    @GET
    public Status status() {
        long now = clock.millis();
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            dropped.put(reason.label(), (long) metrics.droppedTotal(reason));
        }
        long length = monitor.length();
        List<Worker> list = workers.workers().stream()
                .map(w -> new Worker(w.id(), w.state().name(), workers.isAlive(w), now - w.lastBeatMillis()))
                .toList();
        return new Status(version, (now - startedMillis) / 1000, store.seriesCount(), store.familyCount(),
                store.settings().maxSeries(),
                new Queue(queue.key(), length == QueueMonitor.UNKNOWN ? null : length, queue.taken()),
                (long) metrics.processedTotal(), dropped, list);
    }
}
