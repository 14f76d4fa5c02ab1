package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ManualClock;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {
    @Test
    void registeringReturnsEveryNameTheGatewaysOwnMetricsExpose() {
        GatewayMetrics metrics = new GatewayMetrics(new MetricStore(StoreSettings.defaults(), new ManualClock()));
        assertThat(metrics.register(new CollectorRegistry(), true))
                .contains(
                        "prom_stream_gateway_processed_metrics",
                        "prom_stream_gateway_processed_metrics_total",
                        "prom_stream_gateway_worker_state",
                        "prom_stream_gateway_series",
                        "jvm_threads_current",
                        "process_cpu_seconds_total");
        assertThat(new GatewayMetrics(new MetricStore(StoreSettings.defaults(), new ManualClock()))
                        .register(new CollectorRegistry(), false))
                .noneMatch(name -> name.startsWith("jvm_"));
    }
}
