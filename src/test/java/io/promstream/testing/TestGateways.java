package io.promstream.testing;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayApplication;
import io.promstream.GatewayConfiguration;
import java.util.ArrayList;
import java.util.List;

/** Gateways for tests: the test configuration, connected to a test Redis, plus per-test overrides. */
public final class TestGateways {
    public static final String CONFIG = ResourceHelpers.resourceFilePath("test-config.yml");

    private TestGateways() {
    }

    /** An app extension; register it with {@code @Order(2)} after the Redis extension. */
    public static DropwizardAppExtension<GatewayConfiguration> extension(RedisServerExtension redis,
            ConfigOverride... overrides) {
        return extension(GatewayApplication.class, redis, overrides);
    }

    public static DropwizardAppExtension<GatewayConfiguration> extension(
            Class<? extends Application<GatewayConfiguration>> app, RedisServerExtension redis,
            ConfigOverride... overrides) {
        return new DropwizardAppExtension<>(app, CONFIG, withRedis(redis.server(), overrides));
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
