package io.promstream.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * Starts a {@link RedisServer} before the test class and stops it afterwards; empties it before each test.
 * Register it with {@code @Order(1)} ahead of a {@code DropwizardAppExtension} that connects to it.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final RedisServer server;
    private final List<Runnable> afterFlush = new CopyOnWriteArrayList<>();

    public RedisServerExtension(String... extraArgs) {
        this.server = new RedisServer(extraArgs);
    }

    /** Manages a server built elsewhere, e.g. {@link RedisServer#tls} or one {@link RedisServer#withCredentials}. */
    public RedisServerExtension(RedisServer server) {
        this.server = server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.start(); // a test may have stopped it
        try (Jedis jedis = server.client()) {
            jedis.flushAll();
        }
        afterFlush.forEach(Runnable::run);
    }

    /**
     * Runs after each test's FLUSHALL: a running gateway loses its leases with it, and the test must wait until it
     * holds its shards again ({@link TestGateways} registers that).
     */
    public void afterFlush(Runnable hook) {
        afterFlush.add(hook);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    public RedisServer server() {
        return server;
    }

    public String uri() {
        return server.uri();
    }

    public Jedis client() {
        return server.client();
    }

    /** LPUSHes the elements onto {@code key}, in order, as senders do. */
    public void push(String key, String... elements) {
        try (Jedis jedis = server.client()) {
            jedis.lpush(key, elements);
        }
    }
}
