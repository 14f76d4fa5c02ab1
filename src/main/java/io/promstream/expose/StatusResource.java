package io.promstream.expose;

import io.promstream.Gateway;
import io.promstream.ingest.QueueMonitor;
import io.promstream.parse.RejectReason;
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
    private final Gateway gateway;
    private final InstantSource clock;
    private final long startedMillis;
    private final String version;

    public StatusResource(Gateway gateway, InstantSource clock, String version) {
        this.gateway = gateway;
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
            dropped.put(reason.label(), (long) gateway.metrics().droppedTotal(reason));
        }
        long length = gateway.monitor().length();
        List<Worker> workers = gateway.workers().workers().stream()
                .map(w -> new Worker(w.id(), w.state().name(), gateway.workers().isAlive(w), now - w.lastBeatMillis()))
                .toList();
        return new Status(version, (now - startedMillis) / 1000, gateway.store().seriesCount(),
                gateway.store().familyCount(), gateway.store().settings().maxSeries(),
                new Queue(gateway.queue().key(), length == QueueMonitor.UNKNOWN ? null : length, gateway.queue().taken()),
                (long) gateway.metrics().processedTotal(), dropped, workers);
    }
}
