package io.promstream;

import io.dropwizard.core.setup.Environment;
import io.prometheus.client.CollectorRegistry;
import io.promstream.config.AggregationFactory;
import io.promstream.config.HttpFactory;
import io.promstream.config.PushMeters;
import io.promstream.config.QueueConsumers;
import io.promstream.config.RedisFactory;
import io.promstream.expose.GatewayMetrics;
import io.promstream.expose.StatusResource;
import io.promstream.expose.StoreCollector;
import io.promstream.health.BacklogHealthCheck;
import io.promstream.health.CardinalityHealthCheck;
import io.promstream.health.HealthResource;
import io.promstream.health.RedisHealthCheck;
import io.promstream.health.WorkersHealthCheck;
import io.promstream.ingest.ElementProcessor;
import io.promstream.ingest.HotPathWarmup;
import io.promstream.ingest.QueueFlusher;
import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.WorkerPool;
import io.promstream.ingest.http.PushgatewayApi;
import io.promstream.ingest.push.HttpIngestor;
import io.promstream.ingest.push.PushQueue;
import io.promstream.ingest.push.PushTracker;
import io.promstream.ingest.push.QueuedPushApplier;
import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.SampleParser;
import io.promstream.queue.Checkpointer;
import io.promstream.queue.JedisPushRedis;
import io.promstream.queue.LogLimiter;
import io.promstream.queue.QueueWriter;
import io.promstream.queue.RedisCalls;
import io.promstream.queue.RedisOutage;
import io.promstream.queue.ShardCoordinator;
import io.promstream.queue.ShardFactory;
import io.promstream.queue.ShardSettings;
import io.promstream.queue.ShardTable;
import io.promstream.queue.StagedPushSweeper;
import io.promstream.queue.Ticker;
import io.promstream.queue.VersionSequence;
import io.promstream.store.CardinalitySampler;
import io.promstream.store.MetricStore;
import io.promstream.store.TtlRules;
import io.promstream.tasks.FlushQueueTask;
import io.promstream.tasks.ResetSeriesTask;
import io.promstream.ui.Console;
import io.promstream.ui.DeadLetterList;
import io.promstream.ui.ShardOwners;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;

/**
 * The running gateway, assembled stage by stage, top to bottom: the store and its meta metrics, Redis and the
 * shards this gateway holds (leases, checkpoints), the workers and HTTP pushes, the exposition, then health checks,
 * status and tasks. Each stage is built from its configuration section's factory and handed only what it uses;
 * Dropwizard's lifecycle starts the managed parts in this order and stops them in reverse: workers finish their
 * batch, then every shard gets its last checkpoint and is handed back, then the Redis connections close.
 */
public final class Gateway {
    private final MetricStore store;
    private final GatewayMetrics metrics;
    private final WorkerPool workers;
    private final ShardTable shards;
    private final ShardCoordinator coordinator;

    private Gateway(
            MetricStore store,
            GatewayMetrics metrics,
            WorkerPool workers,
            ShardTable shards,
            ShardCoordinator coordinator) {
        this.store = store;
        this.metrics = metrics;
        this.workers = workers;
        this.shards = shards;
        this.coordinator = coordinator;
    }

    /** The shards this gateway holds. */
    public ShardTable shards() {
        return shards;
    }

    public ShardCoordinator coordinator() {
        return coordinator;
    }

    /** The aggregated series, for tests and benchmarks that look inside. */
    public MetricStore store() {
        return store;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public WorkerPool workers() {
        return workers;
    }

    static Gateway assemble(GatewayConfiguration config, Environment environment, InstantSource clock, String version) {
        // the store, partitioned by shard, and its meta metrics
        RedisFactory redis = config.getRedis();
        AggregationFactory aggregation = config.getAggregation();
        VersionSequence sequence = new VersionSequence();
        MetricStore store = aggregation.buildStore(
                clock,
                sequence::appliedWatermark,
                redis.getShards(),
                config.getOtlp().getMaxSeenPointsPerShard(),
                config.getNativeHistograms().buildDefaults());
        TtlRules ttl = aggregation.buildTtlRules();
        aggregation.scheduleExpiry(environment, store, ttl);
        GatewayMetrics metrics = new GatewayMetrics(store);
        CollectorRegistry registry = config.getMetaMetrics().buildRegistry(store, metrics);
        CardinalitySampler sampler = config.getMetaMetrics().scheduleCardinalitySampler(environment, store, clock);
        metrics.watch(sampler);
        config.getPersistence().warnIfConfigured();
        SampleParser parser = aggregation.buildParser();

        // Redis, rejections, and the shards this gateway holds: leases, checkpoints
        UnifiedJedis client = redis.buildClient(environment);
        QueueConsumers consumers = new QueueConsumers(redis);
        RedisOutage outage = new RedisOutage(clock);
        Function<String, RedisCalls> calls =
                operation -> new RedisCalls(operation, metrics.redisErrors(operation), outage);
        Rejections rejections = new Rejections(
                metrics.dropped(),
                new LogLimiter(clock, 10, 10_000),
                consumers.buildDeadLetters(environment, client, metrics, calls.apply("dead_letter"), clock));
        ShardTable table = new ShardTable(redis.getShards());
        Checkpointer checkpointer = new Checkpointer(
                table,
                config.getCheckpoint().intervalMillis(),
                config.getCheckpoint().maxUncovered(),
                calls.apply("checkpoint"),
                metrics.checkpointDuration());
        environment.lifecycle().manage(checkpointer);
        String gatewayId = ShardCoordinator.newGatewayId();
        ShardSettings sharding = redis.shardSettings();
        ShardCoordinator coordinator = new ShardCoordinator(
                client,
                sharding,
                new ShardFactory(client, sharding, store, sequence, checkpointer::nudge, System::nanoTime),
                table,
                gatewayId,
                calls.apply("lease"),
                metrics.shardOwned());
        environment.lifecycle().manage(coordinator);

        // the workers (after a warm-up of their hot path), and HTTP pushes queued for them
        environment.lifecycle().manage(new HotPathWarmup(parser, WARMUP_ELEMENTS));
        PushTracker tracker = new PushTracker();
        QueuedPushApplier queuedPushes = new QueuedPushApplier(
                store,
                rejections,
                tracker,
                clock,
                metrics.processed("http", ""),
                metrics.duplicates(),
                metrics.repeats());
        WorkerPool workers = consumers.buildWorkers(
                environment,
                table,
                () -> new ElementProcessor(parser.forOneThread(), store, rejections, metrics.misrouted(), queuedPushes)
                        .ids(config.getIdempotency().windowMillis(), metrics.repeats()),
                metrics,
                calls.apply("take"),
                clock);
        metrics.watch(workers);
        QueueMonitor monitor = new QueueMonitor(
                client, redis.getQueueKey(), table, metrics.pending(redis.getQueueKey()), calls.apply("llen"));
        schedule(environment, "queue-monitor", monitor, redis.getPollInterval().toMilliseconds());
        QueueWriter writer = new QueueWriter(
                new JedisPushRedis(client, redis.getQueueKey(), redis.getShards()),
                redis.getShards(),
                PUSH_MARKER_MILLIS,
                redis.getStagedPushTimeout().toMilliseconds(),
                config.getHttp().applyTimeoutMillis(),
                Ticker.SYSTEM);
        schedule(
                environment,
                "staged-push-sweep",
                new StagedPushSweeper(writer, table, calls.apply("staged_push")),
                Math.max(1000, redis.getStagedPushTimeout().toMilliseconds() / 4));
        HttpIngestor ingestor = new HttpIngestor(
                parser,
                rejections,
                PushQueue.of(writer, table),
                tracker,
                config.getHttp().applyTimeoutMillis(),
                config.getIdempotency().windowMillis(),
                gatewayId);
        // https on the application port when tls.enabled, before the http section adjusts the connectors
        config.getTls().secure(config.getServerFactory(), environment.getObjectMapper());
        config.getHttp().acceptClientCertificates(config.getTls().clientCertificates());
        config.getHttp().configureServer(config.getServerFactory(), environment);
        StatusResource status = new StatusResource(
                store,
                metrics,
                coordinator,
                monitor,
                workers,
                clock,
                new StatusResource.About(
                        version,
                        redis.getQueueKey(),
                        redis.describeTarget(),
                        ttl,
                        config.getMetaMetrics().buildCardinalityReport(store, sampler, clock)));
        ResetSeriesTask reset = new ResetSeriesTask(store);
        FlushQueueTask flush = new FlushQueueTask(new QueueFlusher(table, workers.workers()));

        // the operator console (/ui/), registered first so that its actions' guard precedes the other filters
        Console.register(
                environment,
                new Console.Reads(
                        store,
                        ttl,
                        status,
                        metrics,
                        monitor,
                        new ShardOwners(client, redis.getQueueKey(), redis.getShards()),
                        new DeadLetterList(client, redis.deadLetterKeyOrNull())),
                new Console.Actions(reset, flush, ingestor, config.getAdmin().token()));

        // the routes of the application port (the exposition, pushes, the Pushgateway's API, status, health)
        config.getHttp()
                .registerEndpoints(
                        environment,
                        new HttpFactory.Handlers(
                                ingestor,
                                new PushgatewayApi(store, ingestor, clock, version),
                                config.getHttp()
                                        .buildExposition(
                                                environment,
                                                config.getServerFactory(),
                                                registry,
                                                new StoreCollector(
                                                        store,
                                                        metrics,
                                                        config.getNativeHistograms()
                                                                .isClassicFallback())),
                                status,
                                new HealthResource(environment.healthChecks()),
                                config.getOtlp().buildSettings(aggregation.getMaxMessageBytes()),
                                clock),
                        new PushMeters(
                                metrics.httpRejected(),
                                metrics.httpRequests(),
                                metrics.httpUnauthorized(),
                                new LogLimiter(clock, 1, 10_000)));

        // health checks
        environment.healthChecks().register("redis", new RedisHealthCheck(client));
        environment
                .healthChecks()
                .register(
                        "workers",
                        new WorkersHealthCheck(
                                workers,
                                clock,
                                Duration.ofMillis(redis.getWorkerStallTimeout().toMilliseconds())));
        environment.healthChecks().register("backlog", new BacklogHealthCheck(monitor, redis.getBacklogLimit()));
        environment.healthChecks().register("cardinality", new CardinalityHealthCheck(store));

        // operations, on the admin port: loopback, or a bearer token
        config.getAdmin().secure(config.getServerFactory(), environment);
        environment.admin().addTask(reset);
        environment.admin().addTask(flush);
        return new Gateway(store, metrics, workers, table, coordinator);
    }

    /** Made-up elements the hot path is run over before the workers start (about 1 s on two busy cores). */
    private static final int WARMUP_ELEMENTS = 200_000;

    /** How long a pushed HTTP body's marker keeps a re-sent copy of it from being queued twice. */
    private static final long PUSH_MARKER_MILLIS = 60_000;

    private static void schedule(Environment environment, String name, Runnable task, long everyMillis) {
        ScheduledExecutorService scheduler =
                environment.lifecycle().scheduledExecutorService(name).build();
        var unused = scheduler.scheduleWithFixedDelay(task, 0, everyMillis, TimeUnit.MILLISECONDS); // stopped with it
    }
}
