package io.promstream.testing;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import io.promstream.queue.Shard;
import io.promstream.queue.ShardKeys;
import io.promstream.queue.ShardTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/** Gateways for tests: the test configuration, connected to a test Redis, plus per-test overrides. */
public final class TestGateways {
    public static final String CONFIG = ResourceHelpers.resourceFilePath("test-config.yml");

    private TestGateways() {}

    /** An app extension; register it with {@code @Order(2)} after the Redis extension. */
    public static DropwizardAppExtension<GatewayConfiguration> extension(
            RedisServerExtension redis, ConfigOverride... overrides) {
        return extension(GatewayApplication.class, redis, overrides);
    }

    public static DropwizardAppExtension<GatewayConfiguration> extension(
            Class<? extends Application<GatewayConfiguration>> app,
            RedisServerExtension redis,
            ConfigOverride... overrides) {
        DropwizardAppExtension<GatewayConfiguration> extension =
                new DropwizardAppExtension<>(app, CONFIG, withRedis(redis.server(), overrides));
        redis.afterFlush(() -> awaitHolding(extension, redis.server()));
        return extension;
    }

    /**
     * Waits until the gateway holds every shard again after its Redis was emptied (which drops the leases): each
     * lease key exists again (only a new acquisition makes it) and the shard is open.
     */
    public static void awaitHolding(DropwizardAppExtension<GatewayConfiguration> extension, RedisServer redis) {
        if (!(extension.getApplication() instanceof GatewayApplication application) || application.gateway() == null) {
            return;
        }
        ShardTable table = application.gateway().shards();
        String queueKey = extension.getConfiguration().getRedis().getQueueKey();
        Await.until(
                Duration.ofSeconds(20),
                () -> {
                    try (Jedis jedis = redis.client()) {
                        for (int i = 0; i < table.count(); i++) {
                            Shard held = table.held(i);
                            if (held == null
                                    || held.state() != Shard.State.OPEN
                                    || !jedis.exists(ShardKeys.of(queueKey, i, table.count())
                                            .lease())) {
                                return false;
                            }
                        }
                        return true;
                    } catch (RuntimeException e) {
                        return false;
                    }
                },
                "the gateway did not hold its shards again after the test's FLUSHALL");
    }

    /** A gateway started and stopped by the test itself ({@code before()} / {@code after()}). */
    public static DropwizardTestSupport<GatewayConfiguration> support(RedisServer redis, ConfigOverride... overrides) {
        return new DropwizardTestSupport<>(GatewayApplication.class, CONFIG, withRedis(redis, overrides));
    }

    private static ConfigOverride[] withRedis(RedisServer redis, ConfigOverride... overrides) {
        List<ConfigOverride> all = new ArrayList<>(List.of(ConfigOverride.config("redis.uri", redis::uri)));
        all.addAll(List.of(overrides));
        return all.toArray(ConfigOverride[]::new);
    }
}
