package io.promstream;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.servlet.jakarta.exporter.MetricsServlet;
import io.promstream.config.AggregationFactory;
import io.promstream.config.RedisFactory;
import io.promstream.expose.GatewayMetrics;
import io.promstream.expose.RootResource;
import io.promstream.health.BacklogHealthCheck;
import io.promstream.health.RedisHealthCheck;
import io.promstream.health.WorkersHealthCheck;
import io.promstream.ingest.ElementProcessor;
import io.promstream.ingest.LogLimiter;
import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.RedisOutage;
import io.promstream.ingest.RedisQueue;
import io.promstream.ingest.Rejections;
import io.promstream.ingest.RejectionSink;
import io.promstream.ingest.VersionSequence;
import io.promstream.ingest.WorkerPool;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import java.time.Duration;
import java.time.InstantSource;
import redis.clients.jedis.JedisPool;

/** Wires the stages together: Redis queue -> parse -> store -> /metrics, plus health checks. */
public class GatewayApplication extends Application<GatewayConfiguration> {
    private volatile Gateway gateway;

    public static void main(String[] args) throws Exception {
        new GatewayApplication().run(args);
    }

    @Override
    public String getName() {
        return "prom-stream-gateway";
    }

    @Override
    public void initialize(Bootstrap<GatewayConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    }

    /** The clock everything time-based reads; tests override it. */
    protected InstantSource clock() {
        return InstantSource.system();
    }

    @Override
    public void run(GatewayConfiguration config, Environment environment) {
        InstantSource clock = clock();
        RedisFactory redis = config.getRedis();
        AggregationFactory aggregation = config.getAggregation();

        VersionSequence sequence = new VersionSequence();
        MetricStore store = aggregation.buildStore(clock, sequence);
        GatewayMetrics metrics = new GatewayMetrics(store);
        CollectorRegistry registry = config.getMetaMetrics().buildRegistry(store, metrics);
        SampleParser parser = aggregation.buildParser();
        Rejections rejections = new Rejections(metrics, new LogLimiter(clock, 10, 10_000), RejectionSink.NONE);

        RedisOutage outage = new RedisOutage(clock);
        JedisPool pool = redis.buildPool(environment);
        RedisQueue queue = redis.buildQueue(sequence);
        QueueMonitor monitor = redis.buildMonitor(environment, pool, queue, metrics, outage, clock);
        WorkerPool workers = redis.buildWorkers(environment, pool, queue,
                () -> new ElementProcessor(parser, store, rejections), metrics, outage, clock);

        environment.servlets().addServlet("prometheus-metrics", new MetricsServlet(registry)).addMapping("/metrics");
        environment.jersey().register(new RootResource());
        environment.healthChecks().register("redis", new RedisHealthCheck(pool));
        environment.healthChecks().register("workers", new WorkersHealthCheck(workers, clock,
                Duration.ofMillis(redis.getWorkerStallTimeout().toMilliseconds())));
        environment.healthChecks().register("backlog", new BacklogHealthCheck(monitor, redis.getBacklogLimit()));
        gateway = new Gateway(store, metrics, pool, queue, monitor, workers);
    }

    /** The running gateway's parts, once {@link #run} has wired them. */
    public Gateway gateway() {
        return gateway;
    }
}
