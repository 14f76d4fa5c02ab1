package io.promstream.config;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * How the gateway reaches Redis, as the {@code redis} section says: which URIs and cluster nodes it accepts, the
 * client it builds (the URI's database, ACL user and password, TLS; one server or a cluster) and how it names it.
 */
record RedisConnection(
        String uri,
        List<String> clusterNodes,
        long connectMillis,
        long socketMillis,
        long blockMillis,
        int workers,
        RedisTls tls) {

    /** Whether {@code uri} is a {@code redis://} or {@code rediss://} URI with a host. */
    static boolean isValidUri(String uri) {
        try {
            URI parsed = URI.create(uri);
            return JedisURIHelper.isValid(parsed)
                    && ("redis".equals(parsed.getScheme()) || "rediss".equals(parsed.getScheme()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether every node is a {@code host:port} with a port from 1 to 65535. */
    static boolean areValidNodes(List<String> nodes) {
        for (String node : nodes) {
            int colon = node.lastIndexOf(':');
            if (colon <= 0 || colon == node.length() - 1) {
                return false;
            }
            try {
                int port = Integer.parseInt(node.substring(colon + 1));
                if (port < 1 || port > 65_535) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The Redis client: Jedis' cluster client when {@code clusterNodes} is set (it follows MOVED and ASK and
     * re-reads the topology after a failover), else a pooled client of the one server. Credentials and TLS come
     * from {@code uri} either way. Sized for the workers (each may hold a connection in a blocking wait), the
     * shard leases and checkpoints, the monitor, dead letters and HTTP pushes; closed at stop.
     */
    UnifiedJedis build(Environment environment) {
        URI parsed = URI.create(uri);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectMillis)
                .socketTimeoutMillis((int) socketMillis)
                .blockingSocketTimeoutMillis((int) (blockMillis + socketMillis))
                .clientName("prom-stream-gateway")
                .protocol(RedisProtocol.RESP2); // plain lists need nothing of RESP3; works with Redis 6.2+
        if (clusterNodes.isEmpty()) {
            client.database(JedisURIHelper.getDBIndex(parsed));
        }
        if (JedisURIHelper.isRedisSSLScheme(parsed)) {
            tls.configure(client);
        }
        String user = JedisURIHelper.getUser(parsed);
        String password = JedisURIHelper.getPassword(parsed);
        if (user != null && !user.isEmpty()) {
            client.user(user);
        }
        if (password != null && !password.isEmpty()) {
            client.password(password);
        }
        GenericObjectPoolConfig<Connection> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(2 * workers + 16);
        poolConfig.setMaxIdle(2 * workers + 16);
        poolConfig.setMaxWait(Duration.ofMillis(connectMillis));
        poolConfig.setJmxEnabled(false);
        UnifiedJedis redis;
        if (clusterNodes.isEmpty()) {
            redis = RedisClient.builder()
                    .hostAndPort(JedisURIHelper.getHostAndPort(parsed))
                    .clientConfig(client.build())
                    .poolConfig(poolConfig)
                    .build();
        } else {
            Set<HostAndPort> seeds = new LinkedHashSet<>();
            for (String node : clusterNodes) {
                seeds.add(HostAndPort.from(node));
            }
            redis = RedisClusterClient.builder()
                    .nodes(seeds)
                    .clientConfig(client.build())
                    .poolConfig(poolConfig)
                    .maxAttempts(3)
                    .maxTotalRetriesDuration(Duration.ofMillis(2 * socketMillis))
                    .build();
        }
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                redis.close();
            }
        });
        return redis;
    }

    /** Where to find Redis, without credentials (for logs and the status page). */
    String describe() {
        if (!clusterNodes.isEmpty()) {
            return "cluster " + String.join(",", clusterNodes);
        }
        URI parsed = URI.create(uri);
        return parsed.getScheme() + "://" + parsed.getHost() + ":" + parsed.getPort() + "/"
                + JedisURIHelper.getDBIndex(parsed);
    }
}
