package io.promstream.health;

import com.codahale.metrics.health.HealthCheck;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/** {@code redis}: a PING answered within the socket timeout. */
public final class RedisHealthCheck extends HealthCheck {
    private final JedisPool pool;

    public RedisHealthCheck(JedisPool pool) {
        this.pool = pool;
    }

    @Override
    protected Result check() {
        try (Jedis jedis = pool.getResource()) {
            String reply = jedis.ping();
            return "PONG".equals(reply) ? Result.healthy() : Result.unhealthy("PING answered " + reply);
        } catch (RuntimeException e) {
            return Result.unhealthy("Redis unreachable: " + e.getMessage());
        }
    }
}
