package io.promstream;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
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
import io.promstream.ingest.ElementProcessor;
import io.promstream.ingest.HttpIngestor;
import io.promstream.ingest.LogLimiter;
import io.promstream.ingest.QueueFlusher;
import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.RedisOutage;
import io.promstream.ingest.RedisQueue;
import io.promstream.ingest.Rejections;
import io.promstream.ingest.VersionSequence;
import io.promstream.ingest.WorkerPool;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import io.promstream.tasks.FlushQueueTask;
import io.promstream.tasks.ResetSeriesTask;
import java.time.Duration;
import java.time.InstantSource;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import redis.clients.jedis.JedisPool;

/** Wires the stages together: Redis queue and HTTP -> parse -> store -> /metrics, plus health, tasks, status. */
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
        bootstrap.setConfigurationSourceProvider(substituting(bootstrap.getConfigurationSourceProvider()));
    }

    /**
     * config.yml as read: {@code ${VAR:-default}} replaced from the environment, strictly: an unset variable
     * without a default stops the start naming it, instead of becoming its own literal text (a bearer token
     * {@code ${INGEST_TOKEN}}, say).
     */
    public static ConfigurationSourceProvider substituting(ConfigurationSourceProvider provider) {
        return new SubstitutingSourceProvider(provider, new EnvironmentVariableSubstitutor(true));
    }

    /** The clock everything time-based reads; tests override it. */
    protected InstantSource clock() {
        return InstantSource.system();
    }

    @Override
    public void run(GatewayConfiguration config, Environment environment) {
        InstantSource clock = clock();
        RedisFactory redis = config.getRedis();
        // SIGTERM stops the server, which stops the managed parts in reverse order of registration: workers
        // finish the batch in hand, then the store is saved, then Redis connections close, then logs flush
        environment.lifecycle().addEventListener(new StopAtShutdown());
        environment.lifecycle().manage(new LogFlushAtExit());
        AggregationFactory aggregation = config.getAggregation();

        VersionSequence sequence = new VersionSequence();
        MetricStore store = aggregation.buildStore(clock, sequence);
        aggregation.scheduleExpiry(environment, store);
        GatewayMetrics metrics = new GatewayMetrics(store);
        CollectorRegistry registry = config.getMetaMetrics().buildRegistry(store, metrics);
        config.getPersistence().restoreAndManage(environment, store, metrics, clock);
        SampleParser parser = aggregation.buildParser();

        RedisOutage outage = new RedisOutage(clock);
        JedisPool pool = redis.buildPool(environment);
        Rejections rejections = new Rejections(metrics, new LogLimiter(clock, 10, 10_000),
                redis.buildDeadLetters(environment, pool, metrics, outage, clock));
        RedisQueue queue = redis.buildQueue(sequence);
        QueueMonitor monitor = redis.buildMonitor(environment, pool, queue, metrics, outage);
        WorkerPool workers = redis.buildWorkers(environment, pool, queue,
                () -> new ElementProcessor(parser, store, rejections), metrics, outage, clock);
        metrics.watch(workers);
        gateway = new Gateway(store, metrics, pool, queue, monitor, workers);

        config.getHttp().configureServer(config.getServerFactory());
        config.getHttp().registerEndpoints(environment, new HttpIngestor(parser, store, rejections, sequence, clock,
                metrics.processed("http", "")), store, metrics);
        environment.servlets().addServlet("prometheus-metrics", new ExpositionServlet(registry)).addMapping("/metrics");
        environment.jersey().register(new RootResource());
        environment.jersey().register(new StatusResource(gateway, clock, version()));
        environment.jersey().register(new HealthResource(environment.healthChecks()));
        environment.healthChecks().register("redis", new RedisHealthCheck(pool));
        environment.healthChecks().register("workers", new WorkersHealthCheck(workers, clock,
                Duration.ofMillis(redis.getWorkerStallTimeout().toMilliseconds())));
        environment.healthChecks().register("backlog", new BacklogHealthCheck(monitor, redis.getBacklogLimit()));
        environment.healthChecks().register("cardinality", new CardinalityHealthCheck(store));
        environment.admin().addTask(new ResetSeriesTask(store));
        environment.admin().addTask(new FlushQueueTask(new QueueFlusher(pool, queue, workers.workers())));
    }

    /**
     * Stops the server at JVM shutdown even while it is still starting. Jetty's own hook (which Dropwizard
     * enables) skips a server that is not STARTED yet, but the workers start, and take from Redis, during
     * the server's start; so this hook replaces Jetty's: it is added, and Jetty's switched off, as the server
     * begins starting. Jetty's stop waits for a start in progress.
     */
    private static final class StopAtShutdown implements LifeCycle.Listener {
        private volatile Thread hook;

        @Override
        public void lifeCycleStarting(LifeCycle event) {
            if (event instanceof Server server) {
                server.setStopAtShutdown(false); // one hook, not two racing each other
                hook = new Thread(() -> {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        org.slf4j.LoggerFactory.getLogger(GatewayApplication.class).error("Stopping failed", e);
                    }
                }, "gateway-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
            }
        }

        @Override
        public void lifeCycleStopped(LifeCycle event) {
            Thread registered = hook;
            if (event instanceof Server && registered != null && registered != Thread.currentThread()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(registered);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what is stopping us
                }
            }
        }
    }

    /** The running gateway's parts, once {@link #run} has wired them. */
    public Gateway gateway() {
        return gateway;
    }

    private static String version() {
        String version = GatewayApplication.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }
}
