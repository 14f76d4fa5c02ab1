package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.GatewayApplication;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServer;
import io.promstream.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A deployment of the .NET prom-stream-gateway swaps its image for ours and keeps its environment: the real
 * process, started with the shipped config.yml and only the .NET gateway's variables, drains the queue those name.
 */
class DotNetMigrationIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    Path dir;

    private Process start(Map<String, String> environment, Path log, int appPort, int adminPort) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Ddw.server.applicationConnectors[0].port=" + appPort,
                        "-Ddw.server.adminConnectors[0].port=" + adminPort,
                        GatewayApplication.class.getName(),
                        "server",
                        "config.yml")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment()
                .keySet()
                .removeIf(name -> name.startsWith("REDIS_")
                        || name.startsWith("Redis__")
                        || name.startsWith("Metrics__")
                        || name.equals("META_METRICS_ENABLED")
                        || name.startsWith("GATEWAY_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    @Test
    void aGatewayStartedWithOnlyTheDotNetVariablesDrainsTheirQueue() throws Exception {
        int appPort = RedisServer.freePort();
        int adminPort = RedisServer.freePort();
        Path log = dir.resolve("gateway.log");
        Process gateway = start(
                Map.of(
                        "Redis__ConnectionString",
                                "127.0.0.1:" + REDIS.server().port() + ",abortConnect=false,defaultDatabase=1",
                        "Redis__MetricQueueDatabase", "2",
                        "Redis__MetricQueueKey", "legacy:metric-queue",
                        "Redis__MetricQueueWorkers", "3",
                        "Redis__MetricQueuePopCount", "25",
                        "Metrics__DisableMetaMetrics", "true",
                        "Metrics__SortIncomingLabels", "true"),
                log,
                appPort,
                adminPort);
        try {
            GatewayClient client = new GatewayClient(appPort, adminPort);
            try (Jedis jedis = REDIS.client()) {
                jedis.select(2);
                // the .NET gateway's README example, unchanged
                jedis.lpush("legacy:metric-queue", """
                        {"type": "counter", "name": "demo_metric", "value": 10,
                         "labels": {"source": "demo", "category": "example"}}""");
            }
            Await.until(
                    Duration.ofSeconds(60),
                    () -> {
                        try {
                            return client.value("demo_metric_total{category=\"example\",source=\"demo\",}") == 10;
                        } catch (AssertionError notUpYet) {
                            return false;
                        }
                    },
                    () -> "the sample from database 2, key legacy:metric-queue, never showed; log:\n" + read(log));
            String status = client.get("/api/status").body();
            assertThat(status).contains("\"key\":\"legacy:metric-queue\"");
            assertThat(status.split("\"id\"", -1)).as("three workers").hasSize(4);
            assertThat(client.scrape()).as("Metrics__DisableMetaMetrics=true").doesNotContain("prom_stream_gateway_");
            assertThat(read(log)).contains("Configured from the .NET gateway's environment variables");
        } finally {
            gateway.destroy();
            gateway.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMalformedConnectionStringStopsTheStartNamingTheVariable() throws Exception {
        Path log = dir.resolve("bad.log");
        Process gateway = start(
                Map.of("Redis__ConnectionString", "127.0.0.1:6379,ssl=maybe,password=hunter2"),
                log,
                RedisServer.freePort(),
                RedisServer.freePort());
        assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
        assertThat(gateway.exitValue()).isNotZero();
        assertThat(read(log))
                .contains("Redis__ConnectionString is malformed")
                .contains("neither true nor false")
                .doesNotContain("hunter2");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
