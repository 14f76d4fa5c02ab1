package io.promstream.expose;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.hotspot.DefaultExports;
import io.promstream.ingest.WorkerPool;
import io.promstream.parse.MetricType;
import io.promstream.parse.Names;
import io.promstream.parse.RejectReason;
import io.promstream.store.CardinalitySampler;
import io.promstream.store.MetricStore;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's own metrics (docs/meta-metrics.md). They always count, so status pages and tests can read them; they are
 * exposed on {@code /metrics} only when registered ({@code metaMetrics.enabled}).
 */
public final class GatewayMetrics implements CollectTimer {
    public static final String PREFIX = "prom_stream_gateway_";

    private final Counter processed = Counter.build(
                    PREFIX + "processed_metrics_total",
                    "Samples applied to the store, by worker and queue (worker \"http\" for HTTP pushes).")
            .labelNames("worker", "queue_key")
            .create();
    private final Counter dropped = Counter.build(
                    PREFIX + "dropped_metrics_total",
                    "Samples or elements rejected, by reason. Each is logged (rate-limited).")
            .labelNames("reason")
            .create();
    private final Counter emptyPops = Counter.build(
                    PREFIX + "redis_queue_empty_pops_total",
                    "Times a worker found the queue empty and blocked waiting for it.")
            .labelNames("worker", "queue_key")
            .create();
    private final Gauge pending = Gauge.build(
                    PREFIX + "redis_queue_pending_size",
                    "Length of the Redis queue at the last poll: samples pushed but not yet taken.")
            .labelNames("queue_key")
            .create();
    private final Counter redisErrors = Counter.build(
                    PREFIX + "redis_errors_total", "Failed Redis operations, by operation.")
            .labelNames("operation")
            .create();
    private final Counter deadLetters = Counter.build(
                    PREFIX + "dead_letters_total", "Rejected payloads pushed onto the dead-letter list.")
            .create();
    private final Counter deadLettersDropped = Counter.build(
                    PREFIX + "dead_letters_dropped_total",
                    "Rejected payloads not dead-lettered: the buffer was full or Redis failed.")
            .create();
    private final Counter httpRequests = Counter.build(
                    PREFIX + "http_pushes_total",
                    "HTTP pushes answered, by endpoint (json, text) and status code, whoever answered.")
            .labelNames("endpoint", "code")
            .create();
    private final Counter httpRejected = Counter.build(
                    PREFIX + "http_rejected_total",
                    "Samples or whole pushes refused on the HTTP endpoints, by endpoint and reason.")
            .labelNames("endpoint", "reason")
            .create();
    private final Counter httpUnauthorized = Counter.build(
                    PREFIX + "http_unauthorized_total",
                    "HTTP requests refused for missing or wrong credentials, by endpoint.")
            .labelNames("endpoint")
            .create();
    private final Counter duplicates = Counter.build(
                    PREFIX + "duplicate_points_total",
                    "Points not applied because the same point was applied within the window (an OTLP exporter's"
                            + " retry).")
            .create();
    private final Counter repeats = Counter.build(
                    PREFIX + "idempotent_repeats_total",
                    "Pushes not applied again because a push with the same Idempotency-Key was applied within the window.")
            .create();
    private final Counter misrouted = Counter.build(
                    PREFIX + "misrouted_samples_total",
                    "Samples that arrived on another shard than their series' (applied where they arrived).")
            .create();
    private final Gauge shardOwned = Gauge.build(
                    PREFIX + "shard_owned", "1 while this gateway holds the shard's lease, else 0.")
            .labelNames("shard")
            .create();
    private final Histogram checkpointSeconds = Histogram.build(
                    PREFIX + "checkpoint_duration_seconds",
                    "How long writing a shard's checkpoint to Redis took, capture included.")
            .buckets(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10)
            .create();
    private final Gauge collectSeconds = Gauge.build(
                    PREFIX + "collect_duration_seconds",
                    "How long the last rendering of the aggregated series for a scrape took.")
            .create();
    private final Map<RejectReason, Counter.Child> droppedByReason = new EnumMap<>(RejectReason.class);
    private final StoreStatsCollector storeStats;
    private final WorkerStateCollector workerStates = new WorkerStateCollector();
    private final TopFamiliesCollector topFamilies = new TopFamiliesCollector();

    public GatewayMetrics(MetricStore store) {
        for (RejectReason reason : RejectReason.values()) {
            droppedByReason.put(reason, dropped.labels(reason.label()));
        }
        this.storeStats = new StoreStatsCollector(store);
    }

    /**
     * Registers the meta metrics (and, if asked, the JVM's) into a registry holding nothing else yet, and
     * returns every name they expose, read back from it.
     */
    public Set<String> register(CollectorRegistry registry, boolean jvm) {
        for (var collector : new Collector[] {
            processed,
            dropped,
            emptyPops,
            pending,
            redisErrors,
            deadLetters,
            deadLettersDropped,
            httpRequests,
            httpRejected,
            httpUnauthorized,
            misrouted,
            duplicates,
            repeats,
            shardOwned,
            checkpointSeconds,
            collectSeconds,
            storeStats,
            workerStates,
            topFamilies
        }) {
            registry.register(collector);
        }
        if (jvm) {
            DefaultExports.register(registry);
        }
        Set<String> names = new HashSet<>();
        var families = registry.metricFamilySamples();
        while (families.hasMoreElements()) {
            var family = families.nextElement();
            for (MetricType type : MetricType.values()) { // every name it may expose, samples or not yet
                names.addAll(Names.exposedNames(type, family.name));
            }
            family.samples.forEach(s -> names.add(s.name));
        }
        return names;
    }

    /** Reports these workers' states from now on. */
    public void watch(WorkerPool workers) {
        workerStates.watch(workers);
    }

    /** Reports this sampler's top families from now on. */
    public void watch(CardinalitySampler sampler) {
        topFamilies.watch(sampler);
    }

    public Counter.Child processed(String worker, String queueKey) {
        return processed.labels(worker, queueKey);
    }

    public Counter.Child emptyPops(String worker, String queueKey) {
        return emptyPops.labels(worker, queueKey);
    }

    public Gauge.Child pending(String queueKey) {
        return pending.labels(queueKey);
    }

    public Counter.Child redisErrors(String operation) {
        return redisErrors.labels(operation);
    }

    public Counter.Child deadLetters() {
        return deadLetters.labels();
    }

    public Counter.Child deadLettersDropped() {
        return deadLettersDropped.labels();
    }

    /** {@code http_pushes_total{endpoint,code}}. */
    public Counter httpRequests() {
        return httpRequests;
    }

    /** {@code http_rejected_total{endpoint,reason}}. */
    public Counter httpRejected() {
        return httpRejected;
    }

    /** {@code dropped_metrics_total{reason}}. */
    public Counter dropped() {
        return dropped;
    }

    public Counter httpUnauthorized() {
        return httpUnauthorized;
    }

    /** {@code duplicate_points_total}. */
    public Counter.Child duplicates() {
        return duplicates.labels();
    }

    /** {@code idempotent_repeats_total}. */
    public Counter.Child repeats() {
        return repeats.labels();
    }

    public Counter.Child misrouted() {
        return misrouted.labels();
    }

    /** {@code shard_owned{shard}}. */
    public Gauge shardOwned() {
        return shardOwned;
    }

    public Histogram.Child checkpointDuration() {
        return checkpointSeconds.labels();
    }

    public Counter.Child dropped(RejectReason reason) {
        return droppedByReason.get(reason);
    }

    /** Total samples applied across workers and queues. */
    public double processedTotal() {
        return sum(processed);
    }

    public double droppedTotal(RejectReason reason) {
        return dropped(reason).get();
    }

    private static double sum(Counter counter) {
        double total = 0;
        for (var family : counter.collect()) {
            for (var sample : family.samples) {
                if (sample.name.endsWith("_total")) {
                    total += sample.value;
                }
            }
        }
        return total;
    }

    @Override
    public void record(long nanos) {
        collectSeconds.set(nanos / 1e9);
    }
}
