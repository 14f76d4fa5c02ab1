package io.promstream.expose;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.promstream.ingest.QueueWorker;
import io.promstream.ingest.WorkerPool;
import java.util.List;

/** {@code worker_state{worker,state}}: 1 for each worker's current state, 0 for the others. */
final class WorkerStateCollector extends Collector {
    static final String NAME = GatewayMetrics.PREFIX + "worker_state";

    private volatile WorkerPool pool;

    void watch(WorkerPool workers) {
        this.pool = workers;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily family = new GaugeMetricFamily(
                NAME,
                "What each queue worker is doing: 1 for its current state (STOPPED when its thread died).",
                List.of("worker", "state"));
        WorkerPool workers = pool;
        if (workers != null) {
            for (QueueWorker worker : workers.workers()) {
                QueueWorker.State current = workers.isAlive(worker) ? worker.state() : QueueWorker.State.STOPPED;
                for (QueueWorker.State state : QueueWorker.State.values()) {
                    family.addMetric(List.of(worker.id(), state.name()), state == current ? 1 : 0);
                }
            }
        }
        return List.of(family);
    }
}
