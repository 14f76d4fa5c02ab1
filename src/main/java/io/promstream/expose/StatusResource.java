package io.promstream.expose;

import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.WorkerPool;
import io.promstream.parse.RejectReason;
import io.promstream.queue.Shard;
import io.promstream.queue.ShardCoordinator;
import io.promstream.queue.ShardTable;
import io.promstream.store.Family;
import io.promstream.store.FamilyRule;
import io.promstream.store.MetricStore;
import io.promstream.store.TtlRules;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code GET /api/status}: what the gateway holds and how its ingestion is doing, as JSON. */
@Path("/api/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {
    private final MetricStore store;
    private final GatewayMetrics metrics;
    private final ShardTable table;
    private final ShardCoordinator coordinator;
    private final QueueMonitor monitor;
    private final WorkerPool workers;
    private final InstantSource clock;
    private final long startedMillis;
    private final About about;

    /**
     * What the status says of the gateway itself: its version, its queue's key, where Redis is (no credentials), the
     * TTL of each family, its worst cardinality offenders.
     */
    public record About(String version, String queueKey, String redis, TtlRules ttl, CardinalityReport cardinality) {}

    public StatusResource(
            MetricStore store,
            GatewayMetrics metrics,
            ShardCoordinator coordinator,
            QueueMonitor monitor,
            WorkerPool workers,
            InstantSource clock,
            About about) {
        this.store = store;
        this.metrics = metrics;
        this.table = coordinator.table();
        this.coordinator = coordinator;
        this.monitor = monitor;
        this.workers = workers;
        this.clock = clock;
        this.startedMillis = clock.millis();
        this.about = about;
    }

    /** The queue: its key, where it lives, what is pending on all shards, what was taken here. */
    public record Queue(String key, String redis, Long length, long taken) {}

    /** One shard held here: its list, state, elements taken and not yet covered by a checkpoint. */
    public record HeldShard(int shard, String list, String state, long taken, long uncovered) {}

    /** The shards: how many, which this gateway holds, and the gateways sharing them. */
    public record Shards(int count, String gateway, List<String> gateways, List<HeldShard> held) {}

    public record Worker(String id, String state, boolean alive, long lastSeenMillisAgo) {}

    /** The TTL of a family's series (0: never) and the rule it comes from (a pattern of the rules, or default). */
    public record FamilyTtl(String rule, long ttlMillis) {}

    public record Status(
            String version,
            long uptimeSeconds,
            int series,
            int families,
            int maxSeries,
            Queue queue,
            Shards shards,
            long processed,
            Map<String, Long> dropped,
            List<Worker> workers,
            Map<String, FamilyTtl> ttl,
            Map<String, String> rules,
            Map<String, Integer> quotas,
            CardinalityReport.Offenders offenders) {}

    /** Each family's TTL, by name, sorted. */
    private Map<String, FamilyTtl> ttl() {
        TtlRules rules = about.ttl();
        Map<String, FamilyTtl> out = new TreeMap<>();
        for (Family family : store.families()) {
            out.put(family.name(), new FamilyTtl(rules.describe(family.name()), rules.ttlOf(family.name())));
        }
        return out;
    }

    /** The rule of each family that has one ({@code aggregation.familyRules}), by name, sorted. */
    private Map<String, String> rules() {
        Map<String, String> out = new TreeMap<>();
        for (Family family : store.families()) {
            if (!FamilyRule.NONE.equals(family.rule())) {
                out.put(
                        family.name(),
                        family.rule().families() + ": " + family.rule().describe());
            }
        }
        return out;
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
        List<HeldShard> held = new ArrayList<>();
        long taken = 0;
        for (Shard shard : table.held()) {
            held.add(new HeldShard(
                    shard.index(), shard.keys().list(), shard.state().name(), shard.taken(), shard.uncovered()));
            taken += shard.taken();
        }
        return new Status(
                about.version(),
                (now - startedMillis) / 1000,
                store.seriesCount(),
                store.familyCount(),
                store.settings().maxSeries(),
                new Queue(about.queueKey(), about.redis(), length == QueueMonitor.UNKNOWN ? null : length, taken),
                new Shards(table.count(), coordinator.gatewayId(), coordinator.liveGateways(), held),
                (long) metrics.processedTotal(),
                dropped,
                list,
                ttl(),
                rules(),
                store.settings().rules().credentials().held(),
                about.cardinality().offenders());
    }
}
