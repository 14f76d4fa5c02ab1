package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.GatewayProcess;
import io.promstream.testing.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Secure defaults, in real gateway processes: the admin tasks are open only on loopback; bound beyond it they
 * need the admin token (and a start without one is refused, saying why); Redis credentials appear in neither the
 * log, nor {@code /api/status}, nor the dead letters.
 */
class SecureDefaultsIntegrationTest {
    private static final String PASSWORD = "s3cret-Redis-pw-9f1";

    @TempDir
    Path dir;

    @Test
    void anAdminPortBeyondLoopbackWithoutATokenIsRefusedAtStart() throws Exception {
        try (RedisServer redis = new RedisServer().start()) {
            assertThatThrownBy(() -> GatewayProcess.start(
                            dir,
                            "open-admin",
                            Map.of("redis.uri", redis.uri(), "server.adminConnectors[0].bindHost", "0.0.0.0")))
                    .hasMessageContaining("set admin.token (env ADMIN_TOKEN)");
        }
    }

    @Test
    void withATokenTheTasksAnswerOnlyToIt() throws Exception {
        try (RedisServer redis = new RedisServer().start();
                GatewayProcess gateway = GatewayProcess.start(
                        dir,
                        "token-admin",
                        Map.of(
                                "redis.uri",
                                redis.uri(),
                                "server.adminConnectors[0].bindHost",
                                "0.0.0.0",
                                "admin.token",
                                "t0ken-42"))) {
            GatewayClient client = gateway.client();
            assertThat(client.adminPost("/tasks/reset-series").statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = post(client, "/tasks/reset-series", "Bearer nope");
            assertThat(wrong.statusCode()).isEqualTo(401);
            HttpResponse<String> right = post(client, "/tasks/reset-series", "Bearer t0ken-42");
            assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
            assertThat(client.admin("/healthcheck").statusCode())
                    .as("health checks stay readable")
                    .isIn(200, 500);
            assertThat(gateway.log()).contains("its tasks need the admin token").doesNotContain("t0ken-42");
        }
    }

    private static HttpResponse<String> post(GatewayClient client, String path, String authorization) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(client.adminBase() + path))
                                .header("Authorization", authorization)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void redisCredentialsAppearNowhere() throws Exception {
        try (RedisServer redis = new RedisServer("--requirepass", PASSWORD)
                        .withCredentials("default", PASSWORD)
                        .start();
                GatewayProcess gateway =
                        GatewayProcess.start(dir, "credentials", Map.of("redis.uri", redis.uri("default", PASSWORD)))) {
            try (Jedis jedis = redis.client()) {
                jedis.lpush(
                        "prom-stream-gateway:metric-queue",
                        "{\"type\":\"counter\",\"name\":\"sec_total\"," + "\"value\":1}",
                        "{broken " + "json");
                Await.until(
                        Duration.ofSeconds(20),
                        () -> jedis.llen("prom-stream-gateway:dead-letter") == 1,
                        "the broken element dead-lettered");
                assertThat(jedis.lrange("prom-stream-gateway:dead-letter", 0, -1)
                                .get(0))
                        .doesNotContain(PASSWORD);
            }
            GatewayClient client = gateway.client();
            client.awaitValue("sec_total", 1);
            String status = client.get("/api/status").body();
            assertThat(status).contains("redis://127.0.0.1:" + redis.port()).doesNotContain(PASSWORD);
            assertThat(client.scrape()).doesNotContain(PASSWORD);
            assertThat(gateway.log()).contains("Acquired shard 0").doesNotContain(PASSWORD);
        }
    }
}
