package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.promstream.queue.Backoff;
import io.promstream.queue.ShardSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The {@code redis} section (docs/configuration.md): the connection, whose client it builds and manages through
 * {@link RedisConnection} (closed at stop), and the settings of the queue and of its consumers ({@link QueueConsumers}).
 */
public class RedisFactory {
    @NotEmpty
    @JsonProperty
    private String uri = "redis://localhost:6379/0";

    @NotEmpty
    @JsonProperty
    private String queueKey = "prom-stream-gateway:metric-queue";

    @Min(1)
    @Max(64)
    @JsonProperty
    private int workers = 2;

    @Min(1)
    @Max(100_000)
    @JsonProperty
    private int popCount = 500;

    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration blockTimeout = Duration.seconds(1);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration connectTimeout = Duration.seconds(2);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration socketTimeout = Duration.seconds(2);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration backoffMin = Duration.milliseconds(100);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration backoffMax = Duration.seconds(5);

    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration pollInterval = Duration.seconds(1);

    @Min(1)
    @JsonProperty
    private long backlogLimit = 1_000_000;

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration workerStallTimeout = Duration.seconds(30);

    @NotNull
    @JsonProperty
    private Duration shutdownGrace = Duration.seconds(30);

    @JsonProperty
    private String deadLetterKey = "prom-stream-gateway:dead-letter";

    @Min(1)
    @JsonProperty
    private int deadLetterMaxLength = 10_000;
    /** With {@code rediss://}: the CAs to trust (JKS or PKCS12); unset = the JVM's default trust store. */
    @JsonProperty
    private String trustStorePath;

    @JsonProperty
    private String trustStorePassword;

    @NotEmpty
    @JsonProperty
    private String trustStoreType = "PKCS12";
    /** With {@code rediss://}: whether the server certificate must name the host of {@code redis.uri}. */
    @JsonProperty
    private boolean verifyHostname = true;
    /** Seed {@code host:port}s of a Redis Cluster; empty = the single server of {@code uri}. */
    private List<String> clusterNodes = List.of();
    /** How many lists the queue is split into (docs/wire-format.md, Shards). */
    @Min(1)
    @Max(16_384)
    @JsonProperty
    private int shards = 1;
    /** How long a shard's lease lasts without renewal; renewed every third of it. */
    @NotNull
    @MinDuration(value = 500, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration leaseTtl = Duration.seconds(10);
    /**
     * How long an HTTP push split over several shards may take to be stored before the holders of its shards
     * finish it for it (docs/semantics.md, HTTP pushes): a push stopped midway is then dropped whole.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration stagedPushTimeout = Duration.seconds(60);

    @ValidationMethod(
            message = "redis.uri must be a redis:// or rediss:// URI with a host, e.g. redis://localhost:6379/0")
    public boolean isUriValid() {
        return RedisConnection.isValidUri(uri);
    }

    @ValidationMethod(message = "redis.trustStorePath names no readable file")
    public boolean isTrustStoreReadable() {
        return RedisTls.isReadable(trustStorePath);
    }

    @ValidationMethod(message = "redis.trustStorePath is set but redis.uri is not rediss:// (TLS)")
    public boolean isTrustStoreUsedWithTls() {
        return trustStorePath == null || trustStorePath.isEmpty() || uri == null || uri.startsWith("rediss://");
    }

    @ValidationMethod(
            message = "redis.deadLetterKey must differ from redis.queueKey (rejected samples would be "
                    + "taken again, rejected again and dead-lettered again forever)")
    public boolean isDeadLetterKeyApart() {
        return deadLetterKey == null || deadLetterKey.isEmpty() || !deadLetterKey.equals(queueKey);
    }

    @ValidationMethod(
            message = "redis.queueKey must not contain '{' or '}': the gateway puts each shard's keys "
                    + "under one hash tag of its own")
    public boolean isQueueKeyFreeOfBraces() {
        return queueKey == null || queueKey.indexOf('{') < 0 && queueKey.indexOf('}') < 0;
    }

    @ValidationMethod(message = "redis.clusterNodes must be host:port entries (e.g. redis-1:6379,redis-2:6379)")
    public boolean isClusterNodesValid() {
        return RedisConnection.areValidNodes(clusterNodes);
    }

    @ValidationMethod(
            message = "redis.uri selects a database other than 0, which a Redis Cluster does not have "
                    + "(redis.clusterNodes is set)")
    public boolean isDatabaseZeroOnCluster() {
        if (clusterNodes.isEmpty() || !isUriValid()) {
            return true;
        }
        return JedisURIHelper.getDBIndex(URI.create(uri)) == 0;
    }

    @ValidationMethod(message = "redis.backoffMax must not be shorter than redis.backoffMin")
    public boolean isBackoffOrdered() {
        return backoffMin == null || backoffMax == null || backoffMax.toMilliseconds() >= backoffMin.toMilliseconds();
    }

    @ValidationMethod(message = "redis.workerStallTimeout must be longer than redis.blockTimeout + redis.socketTimeout")
    public boolean isStallTimeoutLongEnough() {
        return workerStallTimeout == null
                || blockTimeout == null
                || socketTimeout == null
                || workerStallTimeout.toMilliseconds() > blockTimeout.toMilliseconds() + socketTimeout.toMilliseconds();
    }

    /** The Redis client ({@link RedisConnection#build}): a cluster's or one server's, closed at stop. */
    public UnifiedJedis buildClient(Environment environment) {
        return connection().build(environment);
    }

    /** Where to find Redis, without credentials (for logs and the status page). */
    public String describeTarget() {
        return connection().describe();
    }

    private RedisConnection connection() {
        return new RedisConnection(
                uri,
                clusterNodes,
                connectTimeout.toMilliseconds(),
                socketTimeout.toMilliseconds(),
                blockTimeout.toMilliseconds(),
                workers,
                new RedisTls(trustStorePath, trustStorePassword, trustStoreType, verifyHostname));
    }

    /** How long an idle worker waits for the queue, in seconds (Redis' unit for blocking commands). */
    public double blockSeconds() {
        return blockTimeout.toMilliseconds() / 1000.0;
    }

    /** The dead-letter list, or {@code null} when dead-lettering is off. */
    public String deadLetterKeyOrNull() {
        return deadLetterKey == null || deadLetterKey.isEmpty() ? null : deadLetterKey;
    }

    /** The workers' backoff after a Redis error: {@code backoffMin}, doubling up to {@code backoffMax}. */
    public Backoff newBackoff() {
        return new Backoff(backoffMin.toMilliseconds(), backoffMax.toMilliseconds());
    }

    /** Accepts a YAML list or a comma-separated string (as {@code ${REDIS_CLUSTER_NODES:-}} gives). */
    @JsonProperty("clusterNodes")
    public void setClusterNodes(JsonNode node) {
        List<String> nodes = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> nodes.add(n.asText().trim()));
        } else if (node != null && !node.isNull()) {
            for (String part : node.asText().split(",")) {
                nodes.add(part.trim());
            }
        }
        nodes.removeIf(String::isEmpty);
        this.clusterNodes = List.copyOf(nodes);
    }

    @JsonProperty("clusterNodes")
    public List<String> getClusterNodes() {
        return clusterNodes;
    }

    public int getShards() {
        return shards;
    }

    /** The queue's sharding and its shards' leases, as the queue package takes them. */
    public ShardSettings shardSettings() {
        return new ShardSettings(queueKey, shards, leaseTtl.toMilliseconds(), popCount);
    }

    public Duration getStagedPushTimeout() {
        return stagedPushTimeout;
    }

    public Duration getLeaseTtl() {
        return leaseTtl;
    }

    public double getBlockSeconds() {
        return blockSeconds();
    }

    public String getQueueKey() {
        return queueKey;
    }

    public int getWorkers() {
        return workers;
    }

    public int getPopCount() {
        return popCount;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public long getBacklogLimit() {
        return backlogLimit;
    }

    public Duration getWorkerStallTimeout() {
        return workerStallTimeout;
    }

    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    public int getDeadLetterMaxLength() {
        return deadLetterMaxLength;
    }
}
