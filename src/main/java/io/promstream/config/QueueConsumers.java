package io.promstream.config;

import io.dropwizard.core.setup.Environment;
import io.promstream.expose.GatewayMetrics;
import io.promstream.ingest.DeadLetters;
import io.promstream.ingest.ElementProcessor;
import io.promstream.ingest.QueueWorker;
import io.promstream.ingest.WorkerPool;
import io.promstream.ingest.reject.RejectionSink;
import io.promstream.queue.RedisCalls;
import io.promstream.queue.ShardTable;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * What takes from the queue and where what is refused goes, as the {@code redis} section configures them: the
 * managed worker pool, and the dead-letter list (of the workers' rejections and the HTTP pushes').
 */
public final class QueueConsumers {
    private final RedisFactory redis;

    public QueueConsumers(RedisFactory redis) {
        this.redis = redis;
    }

    /** The dead-letter list writer (managed), or none when {@code redis.deadLetterKey} is empty. */
    public RejectionSink buildDeadLetters(
            Environment environment,
            UnifiedJedis client,
            GatewayMetrics metrics,
            RedisCalls calls,
            InstantSource clock) {
        String key = redis.deadLetterKeyOrNull();
        if (key == null) {
            return RejectionSink.NONE;
        }
        DeadLetters deadLetters = new DeadLetters(
                client,
                key,
                redis.getDeadLetterMaxLength(),
                clock,
                metrics.deadLetters(),
                metrics.deadLettersDropped(),
                calls);
        environment.lifecycle().manage(deadLetters);
        return deadLetters;
    }

    /**
     * The queue workers, started and stopped with the application: after the shard coordinator starts, and
     * stopped before it hands the shards back (so their last checkpoints cover every batch taken).
     */
    public WorkerPool buildWorkers(
            Environment environment,
            ShardTable table,
            Supplier<ElementProcessor> processors,
            GatewayMetrics metrics,
            RedisCalls takes,
            InstantSource clock) {
        List<QueueWorker> list = new ArrayList<>();
        String queueKey = redis.getQueueKey();
        for (int i = 0; i < redis.getWorkers(); i++) {
            String id = Integer.toString(i);
            list.add(new QueueWorker(
                    id,
                    table,
                    processors.get(),
                    clock,
                    redis.newBackoff(),
                    redis.blockSeconds(),
                    new QueueWorker.Metrics(
                            metrics.processed(id, queueKey),
                            metrics.emptyPops(id, queueKey),
                            takes,
                            "redis " + queueKey)));
        }
        WorkerPool workers =
                new WorkerPool(list, Duration.ofMillis(redis.getShutdownGrace().toMilliseconds()));
        environment.lifecycle().manage(workers);
        return workers;
    }
}
