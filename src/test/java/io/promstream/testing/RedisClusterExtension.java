package io.promstream.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.JedisCluster;

/**
 * Starts a {@link RedisCluster} before the test class and closes it afterwards. Before each test it resumes
 * paused nodes, restarts killed ones, waits until the cluster is healthy (a failed-over master stays a
 * replica) and empties it. Register it with {@code @Order(1)} ahead of a {@code DropwizardAppExtension} that
 * connects to it.
 */
public final class RedisClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final RedisCluster cluster;

    public RedisClusterExtension(String... extraArgs) {
        this.cluster = new RedisCluster(extraArgs);
    }

    /** Manages a cluster built elsewhere, e.g. with other sizes or node timeout. */
    public RedisClusterExtension(RedisCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        cluster.heal(); // a test may have killed or paused nodes
        cluster.flushAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        cluster.close();
    }

    public RedisCluster cluster() {
        return cluster;
    }

    public List<String> seeds() {
        return cluster.seeds();
    }

    /** A new cluster client with Jedis' defaults; close it. */
    @SuppressWarnings("deprecation")
    public JedisCluster client() {
        return cluster.client();
    }
}
