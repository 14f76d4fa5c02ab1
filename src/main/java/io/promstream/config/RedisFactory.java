package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.promstream.ingest.Backoff;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The {@code redis} section (docs/configuration.md): the connection, which it builds and manages (a pool closed
 * at stop), and the queue's and workers' settings.
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

    @ValidationMethod(message = "redis.uri must be a redis:// or rediss:// URI with a host, e.g. redis://localhost:6379/0")
    public boolean isUriValid() {
        try {
            URI parsed = URI.create(uri);
            return JedisURIHelper.isValid(parsed)
                    && ("redis".equals(parsed.getScheme()) || "rediss".equals(parsed.getScheme()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @ValidationMethod(message = "redis.trustStorePath names no readable file")
    public boolean isTrustStoreReadable() {
        if (trustStorePath == null || trustStorePath.isEmpty()) {
            return true;
        }
        try {
            Path path = Path.of(trustStorePath);
            return Files.isRegularFile(path) && Files.isReadable(path);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @ValidationMethod(message = "redis.trustStorePath is set but redis.uri is not rediss:// (TLS)")
    public boolean isTrustStoreUsedWithTls() {
        return trustStorePath == null || trustStorePath.isEmpty() || uri == null || uri.startsWith("rediss://");
    }

    @ValidationMethod(message = "redis.deadLetterKey must differ from redis.queueKey (rejected samples would be "
            + "taken again, rejected again and dead-lettered again forever)")
    public boolean isDeadLetterKeyApart() {
        return deadLetterKey == null || deadLetterKey.isEmpty() || !deadLetterKey.equals(queueKey);
    }

    @ValidationMethod(message = "redis.backoffMax must not be shorter than redis.backoffMin")
    public boolean isBackoffOrdered() {
        return backoffMin == null || backoffMax == null || backoffMax.toMilliseconds() >= backoffMin.toMilliseconds();
    }

    @ValidationMethod(message = "redis.workerStallTimeout must be longer than redis.blockTimeout + redis.socketTimeout")
    public boolean isStallTimeoutLongEnough() {
        return workerStallTimeout == null || blockTimeout == null || socketTimeout == null
                || workerStallTimeout.toMilliseconds() > blockTimeout.toMilliseconds() + socketTimeout.toMilliseconds();
    }

    /** A connection pool sized for the workers plus the monitor, health check and dead letters; closed on stop. */
    public JedisPool buildPool(Environment environment) {
        URI parsed = URI.create(uri);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectTimeout.toMilliseconds())
                .socketTimeoutMillis((int) socketTimeout.toMilliseconds())
                .blockingSocketTimeoutMillis((int) (blockTimeout.toMilliseconds() + socketTimeout.toMilliseconds()))
                .database(JedisURIHelper.getDBIndex(parsed))
                .clientName("prom-stream-gateway")
                .protocol(RedisProtocol.RESP2); // plain lists need nothing of RESP3; works with Redis 6.2+
        if (JedisURIHelper.isRedisSSLScheme(parsed)) {
            new RedisTls(trustStorePath, trustStorePassword, trustStoreType, verifyHostname).configure(client);
        }
        String user = JedisURIHelper.getUser(parsed);
        String password = JedisURIHelper.getPassword(parsed);
        if (user != null && !user.isEmpty()) {
            client.user(user);
        }
        if (password != null && !password.isEmpty()) {
            client.password(password);
        }
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(workers + 4);
        poolConfig.setMaxIdle(workers + 4);
        poolConfig.setMaxWait(java.time.Duration.ofMillis(connectTimeout.toMilliseconds()));
        poolConfig.setJmxEnabled(false);
        JedisPool pool = new JedisPool(poolConfig, JedisURIHelper.getHostAndPort(parsed), client.build());
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                pool.close();
            }
        });
        return pool;
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
