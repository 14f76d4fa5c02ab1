package io.promstream;

import io.dropwizard.core.setup.Environment;
import io.prometheus.client.CollectorRegistry;
import io.promstream.config.AggregationFactory;
import io.promstream.config.RedisFactory;
import io.promstream.expose.ExpositionServlet;
import io.promstream.expose.GatewayMetrics;
import io.promstream.expose.RootResource;
import io.promstream.expose.StatusResource;
import io.promstream.health.BacklogHealthCheck;
import io.promstream.health.CardinalityHealthCheck;
import io.promstream.health.HealthResource;
import io.promstream.health.RedisHealthCheck;
import io.promstream.health.WorkersHealthCheck;
import io.promstream.ingest.DeadLetters;
import io.promstream.ingest.ElementProcessor;
import io.promstream.ingest.HttpIngestor;
import io.promstream.ingest.LogLimiter;
import io.promstream.ingest.QueueFlusher;
import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.PushgatewayApi;
import io.promstream.ingest.QueueWorker;
import io.promstream.ingest.RedisOutage;
import io.promstream.ingest.RedisQueue;
import io.promstream.ingest.RejectionSink;
import io.promstream.ingest.Rejections;
import io.promstream.ingest.VersionSequence;
import io.promstream.ingest.WorkerPool;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import io.promstream.tasks.FlushQueueTask;
import io.promstream.tasks.ResetSeriesTask;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.JedisPool;

/**
 * The running gateway, assembled stage by stage, top to bottom: the store and its meta metrics, the Redis queue
 * and its workers, HTTP ingestion, the exposition, then health checks, status and tasks. Each stage is built from
 * its configuration section's factory and handed only what it uses; Dropwizard's lifecycle starts the managed
 * parts in this order and stops them in reverse (workers finish their batch before the store is saved, and both
 * before the Redis connections close).
 */
public final class Gateway {
    private final MetricStore store;
    private final GatewayMetrics metrics;
    private final WorkerPool workers;

    private Gateway(MetricStore store, GatewayMetrics metrics, WorkerPool workers) {
        this.store = store;
        this.metrics = metrics;
        this.workers = workers;
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
        // the store, its meta metrics and its persistence
        AggregationFactory aggregation = config.getAggregation();
        VersionSequence sequence = new VersionSequence();
        MetricStore store = aggregation.buildStore(clock, sequence::appliedWatermark);
        aggregation.scheduleExpiry(environment, store);
        GatewayMetrics metrics = new GatewayMetrics(store);
        CollectorRegistry registry = config.getMetaMetrics().buildRegistry(store, metrics);
        config.getPersistence().restoreAndManage(environment, store, metrics, clock);
        SampleParser parser = aggregation.buildParser();

        // rejections, and the Redis queue with its workers
        RedisFactory redis = config.getRedis();
        JedisPool pool = redis.buildPool(environment);
        RedisOutage outage = new RedisOutage(clock);
        Rejections rejections = new Rejections(metrics.dropped(), new LogLimiter(clock, 10, 10_000),
                deadLetters(environment, redis, pool, metrics, outage, clock));
        RedisQueue queue = new RedisQueue(redis.getQueueKey(), redis.getPopCount(), redis.blockSeconds(), sequence);
        WorkerPool workers = workers(environment, redis, pool, queue, parser, store, rejections, metrics, outage, clock);
        metrics.watch(workers);
        QueueMonitor monitor = new QueueMonitor(pool, queue, outage, metrics.pending(redis.getQueueKey()),
                metrics.redisErrors("llen"));
        schedule(environment, "queue-monitor", monitor, redis.getPollInterval().toMilliseconds());

        // HTTP ingestion
        config.getHttp().configureServer(config.getServerFactory());
        config.getHttp().registerEndpoints(environment, new HttpIngestor(parser, store, rejections, sequence, clock,
                metrics.processed("http", "")), metrics.httpRejected(), metrics.httpRequests(), metrics.httpUnauthorized());
        environment.jersey().register(new PushgatewayApi(store, clock, version));
        environment.jersey().register(new PushgatewayApi.Probes());

        // the exposition, status and health
        environment.servlets().addServlet("prometheus-metrics", new ExpositionServlet(registry)).addMapping("/metrics");
        environment.jersey().register(new RootResource());
        environment.jersey().register(new StatusResource(store, metrics, queue, monitor, workers, clock, version));
        environment.jersey().register(new HealthResource(environment.healthChecks()));
        environment.healthChecks().register("redis", new RedisHealthCheck(pool));
        environment.healthChecks().register("workers", new WorkersHealthCheck(workers, clock,
                Duration.ofMillis(redis.getWorkerStallTimeout().toMilliseconds())));
        environment.healthChecks().register("backlog", new BacklogHealthCheck(monitor, redis.getBacklogLimit()));
        environment.healthChecks().register("cardinality", new CardinalityHealthCheck(store));

        // operations
        environment.admin().addTask(new ResetSeriesTask(store));
        environment.admin().addTask(new FlushQueueTask(new QueueFlusher(pool, queue, workers.workers())));
        return new Gateway(store, metrics, workers);
    }

    /** The dead-letter list writer (managed), or none when {@code redis.deadLetterKey} is empty. */
    private static RejectionSink deadLetters(Environment environment, RedisFactory redis, JedisPool pool,
            GatewayMetrics metrics, RedisOutage outage, InstantSource clock) {
        String key = redis.deadLetterKeyOrNull();
        if (key == null) {
            return RejectionSink.NONE;
        }
        DeadLetters deadLetters = new DeadLetters(pool, key, redis.getDeadLetterMaxLength(), clock, outage,
                metrics.deadLetters(), metrics.deadLettersDropped(), metrics.redisErrors("dead_letter"));
        environment.lifecycle().manage(deadLetters);
        return deadLetters;
    }

    /** The queue workers, started and stopped with the application (after the pool starts, before it closes). */
    private static WorkerPool workers(Environment environment, RedisFactory redis, JedisPool pool, RedisQueue queue,
            SampleParser parser, MetricStore store, Rejections rejections, GatewayMetrics metrics, RedisOutage outage,
            InstantSource clock) {
        List<QueueWorker> list = new ArrayList<>();
        for (int i = 0; i < redis.getWorkers(); i++) {
            String id = Integer.toString(i);
            list.add(new QueueWorker(id, pool, queue, new ElementProcessor(parser, store, rejections), clock,
                    redis.newBackoff(), outage, metrics.processed(id, queue.key()), metrics.emptyPops(id, queue.key()),
                    metrics.redisErrors("pop")));
        }
        WorkerPool workers = new WorkerPool(list, Duration.ofMillis(redis.getShutdownGrace().toMilliseconds()));
        environment.lifecycle().manage(workers);
        return workers;
    }

    private static void schedule(Environment environment, String name, Runnable task, long everyMillis) {
        ScheduledExecutorService scheduler = environment.lifecycle().scheduledExecutorService(name).build();
        scheduler.scheduleWithFixedDelay(task, 0, everyMillis, TimeUnit.MILLISECONDS);
    }
}
