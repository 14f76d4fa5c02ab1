package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServer;
import io.promstream.testing.TestCertificates;
import io.promstream.testing.TestGateways;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * SPEC §5: {@code rediss://} against a TLS-only redis-server (no plain port) with a throwaway CA: the trust store
 * settings, hostname verification, and a start that fails clearly on a missing trust store.
 */
class RedisTlsIntegrationTest {
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static TestCertificates certs;
    private static TestCertificates otherCa;
    private static TestCertificates wrongName;
    private static RedisServer redis;
    private static RedisServer wrongNameRedis;

    @BeforeAll
    static void startRedis() {
        certs = TestCertificates.forLoopback();
        otherCa = TestCertificates.forLoopback();
        wrongName = TestCertificates.generate("DNS:redis.invalid");
        redis = RedisServer.tls(certs).start();
        wrongNameRedis = RedisServer.tls(wrongName).start();
    }

    @AfterAll
    static void stopRedis() {
        for (AutoCloseable c : new AutoCloseable[] {redis, wrongNameRedis, certs, otherCa, wrongName}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void theTestServerSpeaksOnlyTls() {
        assertThat(redis.uri()).startsWith("rediss://127.0.0.1:");
        assertThatThrownBy(() -> {
                    try (Jedis plain = new Jedis("127.0.0.1", redis.port(), 500)) {
                        plain.ping();
                    }
                })
                .as("a plain-text PING on the TLS port")
                .isInstanceOf(RuntimeException.class);
        try (Jedis tls = redis.client()) {
            assertThat(tls.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void samplesFlowOverTlsWithAPkcs12TrustStore() {
        withGateway(
                List.of(
                        ConfigOverride.config("redis.uri", redis.uri()),
                        ConfigOverride.config(
                                "redis.trustStorePath", certs.pkcs12TrustStore().toString()),
                        ConfigOverride.config("redis.trustStorePassword", TestCertificates.TRUST_STORE_PASSWORD)),
                client -> {
                    try (Jedis jedis = redis.client()) {
                        jedis.lpush(
                                QUEUE,
                                "{\"type\":\"counter\",\"name\":\"tls_jobs_total\",\"value\":2,\"labels\":{\"via\":\"tls\"}}");
                    }
                    client.awaitValue("tls_jobs_total{via=\"tls\",}", 2);
                    awaitHealthy(client);
                });
    }

    @Test
    void aJksTrustStoreWorksWhenItsTypeIsGiven() {
        withGateway(
                List.of(
                        ConfigOverride.config("redis.uri", redis.uri()),
                        ConfigOverride.config(
                                "redis.trustStorePath", certs.jksTrustStore().toString()),
                        ConfigOverride.config("redis.trustStorePassword", TestCertificates.TRUST_STORE_PASSWORD),
                        ConfigOverride.config("redis.trustStoreType", "JKS")),
                client -> {
                    try (Jedis jedis = redis.client()) {
                        jedis.lpush(QUEUE, "{\"type\":\"gauge\",\"name\":\"tls_jks_gauge\",\"value\":7}");
                    }
                    client.awaitValue("tls_jks_gauge", 7);
                    awaitHealthy(client);
                });
    }

    @Test
    void anUntrustedServerCertificateIsUnhealthyAndTheProcessStaysUp() {
        withGateway(
                List.of(
                        ConfigOverride.config("redis.uri", redis.uri()),
                        ConfigOverride.config(
                                "redis.trustStorePath",
                                otherCa.pkcs12TrustStore().toString()),
                        ConfigOverride.config("redis.trustStorePassword", TestCertificates.TRUST_STORE_PASSWORD)),
                client -> {
                    String body = awaitRedisUnhealthy(client);
                    assertThat(body)
                            .contains("\"redis\":{\"healthy\":false,\"message\":\"Redis unreachable: "
                                    + "javax.net.ssl.SSLHandshakeException: PKIX path building failed");
                    assertThat(client.get("/").statusCode()).isEqualTo(200);
                    Await.until(
                            Duration.ofSeconds(15),
                            () -> client.value("prom_stream_gateway_redis_errors_total{operation=\"lease\",}") > 0,
                            "failed lease rounds counted");
                });
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessHostnameVerificationIsOff() {
        withGateway(
                List.of(
                        ConfigOverride.config("redis.uri", wrongNameRedis.uri()),
                        ConfigOverride.config(
                                "redis.trustStorePath",
                                wrongName.pkcs12TrustStore().toString()),
                        ConfigOverride.config("redis.trustStorePassword", TestCertificates.TRUST_STORE_PASSWORD)),
                client -> {
                    String body = awaitRedisUnhealthy(client);
                    assertThat(body)
                            .contains(
                                    "SSLHandshakeException: No subject alternative names matching IP address 127.0.0.1");
                });
        withGateway(
                List.of(
                        ConfigOverride.config("redis.uri", wrongNameRedis.uri()),
                        ConfigOverride.config(
                                "redis.trustStorePath",
                                wrongName.pkcs12TrustStore().toString()),
                        ConfigOverride.config("redis.trustStorePassword", TestCertificates.TRUST_STORE_PASSWORD),
                        ConfigOverride.config("redis.verifyHostname", "false")),
                client -> {
                    try (Jedis jedis = wrongNameRedis.client()) {
                        jedis.lpush(QUEUE, "{\"type\":\"counter\",\"name\":\"tls_noverify\",\"value\":1}");
                    }
                    client.awaitValue("tls_noverify_total", 1);
                });
    }

    @Test
    void aMissingTrustStoreStopsTheStartWithAClearMessage() {
        DropwizardTestSupport<GatewayConfiguration> app = support(List.of(
                ConfigOverride.config("redis.uri", redis.uri()),
                ConfigOverride.config("redis.trustStorePath", "/nonexistent/redis-ca.p12")));
        try {
            assertThatThrownBy(app::before).hasStackTraceContaining("redis.trustStorePath names no readable file");
        } finally {
            app.after();
        }
    }

    @Test
    void aTrustStoreWithAPlainRedisUriStopsTheStart() {
        DropwizardTestSupport<GatewayConfiguration> app = support(List.of(
                ConfigOverride.config("redis.uri", "redis://127.0.0.1:" + redis.port() + "/0"),
                ConfigOverride.config(
                        "redis.trustStorePath", certs.pkcs12TrustStore().toString())));
        try {
            assertThatThrownBy(app::before).hasStackTraceContaining("redis.uri is not rediss://");
        } finally {
            app.after();
        }
    }

    @Test
    void aWrongTrustStorePasswordStopsTheStart() {
        DropwizardTestSupport<GatewayConfiguration> app = support(List.of(
                ConfigOverride.config("redis.uri", redis.uri()),
                ConfigOverride.config(
                        "redis.trustStorePath", certs.pkcs12TrustStore().toString()),
                ConfigOverride.config("redis.trustStorePassword", "not-the-password")));
        try {
            assertThatThrownBy(app::before).hasStackTraceContaining("cannot load redis.trustStorePath");
        } finally {
            app.after();
        }
    }

    private static DropwizardTestSupport<GatewayConfiguration> support(List<ConfigOverride> overrides) {
        return new DropwizardTestSupport<>(
                GatewayApplication.class, TestGateways.CONFIG, overrides.toArray(new ConfigOverride[0]));
    }

    /** Runs {@code test} against a gateway started with {@code overrides}, stopping it afterwards. */
    static void withGateway(List<ConfigOverride> overrides, Consumer<GatewayClient> test) {
        DropwizardTestSupport<GatewayConfiguration> app = support(overrides);
        try {
            app.before();
        } catch (Exception e) {
            app.after();
            throw new AssertionError("the gateway did not start", e);
        }
        try {
            test.accept(new GatewayClient(app.getLocalPort(), app.getAdminPort()));
        } finally {
            app.after();
        }
    }

    static void awaitHealthy(GatewayClient client) {
        Await.until(
                Duration.ofSeconds(15),
                () -> client.admin("/healthcheck").statusCode() == 200,
                () -> "healthy: " + client.admin("/healthcheck").body());
    }

    /** Waits for the {@code redis} check to fail and returns the health check body. */
    static String awaitRedisUnhealthy(GatewayClient client) {
        Await.until(
                Duration.ofSeconds(15),
                () -> {
                    HttpResponse<String> health = client.admin("/healthcheck");
                    return health.statusCode() == 500 && health.body().contains("\"redis\":{\"healthy\":false");
                },
                () -> "redis check unhealthy: " + client.admin("/healthcheck").body());
        return client.admin("/healthcheck").body();
    }
}
