package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.prometheus.client.CollectorRegistry;
import io.promstream.expose.GatewayMetrics;
import io.promstream.store.MetricStore;

/** The {@code metaMetrics} section. Builds the registry that {@code GET /metrics} renders. */
public class MetaMetricsFactory {
    private boolean enabled = true;
    private boolean jvm = true;

    /**
     * A registry with, if enabled, the gateway's own and the JVM's metrics: what {@code GET /metrics} shows
     * before the store's series. The names those expose are reserved in the store so senders cannot collide with
     * them.
     */
    public CollectorRegistry buildRegistry(MetricStore store, GatewayMetrics metrics) {
        CollectorRegistry registry = new CollectorRegistry();
        if (enabled) {
            store.reserveNames(metrics.register(registry, jvm));
        }
        return registry;
    }

    @JsonProperty
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @JsonProperty
    public boolean isJvm() {
        return jvm;
    }

    @JsonProperty
    public void setJvm(boolean jvm) {
        this.jvm = jvm;
    }
}
