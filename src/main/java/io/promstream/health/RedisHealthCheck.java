package io.promstream.health;

import com.codahale.metrics.health.HealthCheck;
import redis.clients.jedis.UnifiedJedis;

/** {@code redis}: a PING answered within the socket timeout. */
public final class RedisHealthCheck extends HealthCheck {
    private final UnifiedJedis redis;

    public RedisHealthCheck(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    protected Result check() {
        try {
            String reply = redis.ping();
            return "PONG".equals(reply) ? Result.healthy() : Result.unhealthy("PING answered " + reply);
        } catch (RuntimeException e) {
            return Result.unhealthy("Redis unreachable: " + e.getMessage());
        }
    }
}
