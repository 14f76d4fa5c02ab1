package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.ingest.QueueWorker;
import io.promstream.queue.RedisOutage;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * SPEC §5: Redis going away under load never kills the gateway; health checks follow the outage, one line
 * is logged when it starts and one when it ends, workers back off instead of spinning, and resume alone.
 */
class RedisOutageIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(REDIS);

    private static final String QUEUE = "prom-stream-gateway:metric-queue";

    @Test
    void survivesRedisStoppingUnderLoadAndResumesWhenItIsBack() throws Exception {
        GatewayClient client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        ListAppender<ILoggingEvent> outageLog = new ListAppender<>();
        outageLog.start();
        Logger logger = (Logger) LoggerFactory.getLogger(RedisOutage.class);
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the recovery line is INFO; the test config says WARN
        logger.addAppender(outageLog);

        AtomicBoolean pushing = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread pusher = new Thread(
                () -> {
                    while (pushing.get()) {
                        try (Jedis jedis = REDIS.client()) {
                            while (pushing.get()) {
                                jedis.lpush(QUEUE, "{\"type\":\"counter\",\"name\":\"outage_load\",\"value\":1}");
                                sent.incrementAndGet();
                            }
                        } catch (RuntimeException redisDown) {
                            LockSupport.parkNanos(10_000_000); // retry pace of a sender
                        }
                    }
                },
                "test-pusher");
        pusher.start();
        try {
            Await.until(Duration.ofSeconds(15), () -> client.value("outage_load_total") > 1000, "load flowing");

            REDIS.server().stop();
            Await.until(
                    Duration.ofSeconds(15),
                    () -> {
                        var health = client.admin("/healthcheck");
                        return health.statusCode() == 500
                                && health.body().contains("\"redis\":{\"healthy\":false")
                                && health.body().contains("\"backlog\":{\"healthy\":false");
                    },
                    () -> "redis and backlog checks unhealthy while Redis is down: "
                            + client.admin("/healthcheck").body());
            assertThat(client.get("/").statusCode()).isEqualTo(200);
            double counted = client.value("outage_load_total");
            assertThat(counted).as("state survives the outage").isPositive();
            // an OTLP exporter is told to come back: 503 with Retry-After (it retries 503 with backoff)
            HttpResponse<String> otlp = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/v1/metrics"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":"
                            + "[{\"name\":\"x\",\"gauge\":{\"dataPoints\":[{\"asDouble\":1}]}}]}]}]}"))
                    .build());
            assertThat(otlp.statusCode()).isEqualTo(503);
            assertThat(otlp.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(otlp.body()).contains("\"code\":14", "not stored");

            // no busy loop: over the next ten failed Redis calls the workers use a small share of one core (they
            // fail their takes with backoff until the shard's lease runs out, then wait for a shard)
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            String errors = "prom_stream_gateway_redis_errors_total";
            double errorsBefore = client.sum(errors);
            long cpuBefore = workerCpuNanos(threads);
            long wallBefore = System.nanoTime();
            Await.until(
                    Duration.ofSeconds(30),
                    () -> client.sum(errors) >= errorsBefore + 10,
                    "ten more failed Redis calls");
            double cpuShare = (double) (workerCpuNanos(threads) - cpuBefore) / (System.nanoTime() - wallBefore);
            System.out.printf(
                    "worker CPU while Redis is down: %.4f of one core over %.2f s%n",
                    cpuShare, (System.nanoTime() - wallBefore) / 1e9);
            assertThat(cpuShare)
                    .as("worker CPU share of wall time while Redis is down")
                    .isLessThan(0.2);

            REDIS.server().start();
            Await.until(
                    Duration.ofSeconds(30),
                    () -> client.admin("/healthcheck").statusCode() == 200,
                    () -> "healthy again after Redis is back: "
                            + client.admin("/healthcheck").body());
            Await.until(
                    Duration.ofSeconds(15),
                    () -> client.value("outage_load_total") > counted + 1000,
                    "the workers resumed by themselves");
        } finally {
            pushing.set(false);
            pusher.join();
        }
        assertThat(((GatewayApplication) APP.getApplication())
                        .gateway()
                        .workers()
                        .workers())
                .extracting(QueueWorker::state)
                .doesNotContain(QueueWorker.State.STOPPED);
        assertThat(outageLog.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.startsWith("Redis unavailable"))
                .hasSize(1);
        assertThat(outageLog.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.startsWith("Redis available again"))
                .hasSize(1);
        assertThat(client.value("outage_load_total"))
                .as("never more than was sent")
                .isLessThanOrEqualTo(sent.get());
    }

    private static long workerCpuNanos(ThreadMXBean threads) {
        long total = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("queue-worker-")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
