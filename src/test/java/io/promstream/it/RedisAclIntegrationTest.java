package io.promstream.it;

import static io.promstream.it.RedisTlsIntegrationTest.awaitHealthy;
import static io.promstream.it.RedisTlsIntegrationTest.awaitRedisUnhealthy;
import static io.promstream.it.RedisTlsIntegrationTest.withGateway;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.promstream.testing.Await;
import io.promstream.testing.RedisServer;
import io.promstream.testing.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * SPEC §5: user and password from {@code redis.uri} against a redis-server whose default user is disabled and
 * whose only user is an ACL user; also with TLS at once.
 */
class RedisAclIntegrationTest {
    private static final String QUEUE = "prom-stream-gateway:metric-queue";
    private static final String USER = "gateway";
    private static final String PASSWORD = "s3cret-pw";
    private static final String[] ACL = {
        "--user", "default", "off", "--user", USER, "on", ">" + PASSWORD, "~*", "&*", "+@all"
    };

    private static RedisServer redis;
    private static TestCertificates certs;
    private static RedisServer tlsRedis;

    @BeforeAll
    static void startRedis() {
        redis = new RedisServer(ACL).withCredentials(USER, PASSWORD).start();
        certs = TestCertificates.forLoopback();
        tlsRedis = RedisServer.tls(certs, ACL).withCredentials(USER, PASSWORD).start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
        if (tlsRedis != null) {
            tlsRedis.close();
        }
        if (certs != null) {
            certs.close();
        }
    }

    @Test
    void theServerRefusesAnonymousClients() {
        try (Jedis anonymous = new Jedis("127.0.0.1", redis.port(), 2000)) {
            Assertions.assertThatThrownBy(anonymous::ping).hasMessageContaining("NOAUTH");
        }
    }

    @Test
    void theRightPasswordWorks() {
        withGateway(List.of(ConfigOverride.config("redis.uri", redis.uri(USER, PASSWORD))), client -> {
            try (Jedis jedis = redis.client()) {
                jedis.lpush(QUEUE, "{\"type\":\"counter\",\"name\":\"acl_jobs\",\"value\":3}");
            }
            client.awaitValue("acl_jobs_total", 3);
            awaitHealthy(client);
        });
    }

    @Test
    void aWrongPasswordIsUnhealthyWithAClearMessageAndTheProcessStaysUp() {
        withGateway(List.of(ConfigOverride.config("redis.uri", redis.uri(USER, "wrong-password"))), client -> {
            String body = awaitRedisUnhealthy(client);
            assertThat(body).contains("\"redis\":{\"healthy\":false,\"message\":\"Redis unreachable: WRONGPASS");
            Await.until(
                    Duration.ofSeconds(15),
                    () -> client.value("prom_stream_gateway_redis_errors_total{operation=\"lease\",}") > 0,
                    "failed lease rounds counted");
            assertThat(client.get("/").statusCode()).as("still serving").isEqualTo(200);
            assertThat(client.get("/metrics").statusCode()).isEqualTo(200);
            try (Jedis jedis = redis.client()) {
                jedis.lpush(QUEUE, "{\"type\":\"counter\",\"name\":\"acl_never\",\"value\":1}");
                // nothing was taken with the wrong password: the sample is still queued
                assertThat(jedis.llen(QUEUE)).isEqualTo(1);
                jedis.del(QUEUE);
            }
        });
    }

    /** The ACL rule docs/configuration.md recommends: the gateway's own keys and the commands it sends, nothing else. */
    static final String LEAST_PRIVILEGE = "~prom-stream-gateway:* resetchannels -@all +evalsha +eval +blmove +llen"
            + " +lrange +lpush +ltrim +rpush +get +set +mget +exists +del +pexpire +pttl +sadd +srem +smembers +hset +hget"
            + " +hdel +zadd +zrem +zrangebyscore +zremrangebyscore +time +info +ping +client|setname";

    @Test
    void aLeastPrivilegeUserIsEnough() {
        List<String> args = new ArrayList<>(
                List.of("--user", "default", "on", "nopass", "~*", "&*", "+@all", "--user", "gw_min", "on", ">min-pw"));
        args.addAll(List.of(LEAST_PRIVILEGE.split(" ")));
        try (RedisServer limited = new RedisServer(args.toArray(new String[0])).start()) {
            withGateway(List.of(ConfigOverride.config("redis.uri", limited.uri("gw_min", "min-pw"))), client -> {
                try (Jedis jedis = limited.client()) {
                    jedis.lpush(
                            QUEUE,
                            "{\"type\":\"counter\",\"name\":\"acl_min\",\"value\":2}",
                            "{\"type\":\"counter\",\"name\":\"acl_min\",\"value\":-1}");
                }
                client.awaitValue("acl_min_total", 2);
                Await.until(
                        Duration.ofSeconds(15),
                        () -> {
                            try (Jedis jedis = limited.client()) {
                                return jedis.llen("prom-stream-gateway:dead-letter") == 1;
                            }
                        },
                        "the bad sample dead-lettered");
                assertThat(client.adminPost("/tasks/flush-queue").statusCode()).isEqualTo(200);
                awaitHealthy(client);
                assertThat(client.value("prom_stream_gateway_redis_errors_total{operation=\"take\",}"))
                        .isIn(0.0, Double.NaN);
            });
        }
    }

    @Test
    void tlsAndAclTogether() {
        withGateway(
                List.of(
                        ConfigOverride.config("redis.uri", tlsRedis.uri(USER, PASSWORD)),
                        ConfigOverride.config(
                                "redis.trustStorePath", certs.pkcs12TrustStore().toString()),
                        ConfigOverride.config("redis.trustStorePassword", TestCertificates.TRUST_STORE_PASSWORD)),
                client -> {
                    try (Jedis jedis = tlsRedis.client()) {
                        jedis.lpush(QUEUE, "{\"type\":\"gauge\",\"name\":\"acl_tls_gauge\",\"value\":5}");
                    }
                    client.awaitValue("acl_tls_gauge", 5);
                    awaitHealthy(client);
                });
    }
}
