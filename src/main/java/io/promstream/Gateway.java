package io.promstream;

import io.promstream.expose.GatewayMetrics;
import io.promstream.ingest.QueueMonitor;
import io.promstream.ingest.RedisQueue;
import io.promstream.ingest.WorkerPool;
import io.promstream.store.MetricStore;
import redis.clients.jedis.JedisPool;

/** The parts of a running gateway that tasks, status pages and tests look at. */
public record Gateway(
        MetricStore store,
        GatewayMetrics metrics,
        JedisPool pool,
        RedisQueue queue,
        QueueMonitor monitor,
        WorkerPool workers) {
}
