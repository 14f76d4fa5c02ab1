package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.prometheus.client.CollectorRegistry;
import io.promstream.expose.CardinalityReport;
import io.promstream.expose.GatewayMetrics;
import io.promstream.store.CardinalitySampler;
import io.promstream.store.MetricStore;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code metaMetrics} section. Builds the registry that {@code GET /metrics} renders, and the sampler of the
 * families' series counts behind the top families there and in {@code GET /api/status}.
 */
public class MetaMetricsFactory {
    private boolean enabled = true;
    private boolean jvm = true;

    @Min(1)
    @Max(100)
    private int topFamilies = 10;

    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    private Duration cardinalityInterval = Duration.minutes(1);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration growthWindow = Duration.minutes(10);

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

    /** The sampler of the families' series counts, run every {@code cardinalityInterval} on a managed executor. */
    public CardinalitySampler scheduleCardinalitySampler(
            Environment environment, MetricStore store, InstantSource clock) {
        CardinalitySampler sampler = new CardinalitySampler(store, clock, growthWindow.toMilliseconds(), topFamilies);
        ScheduledExecutorService scheduler = environment
                .lifecycle()
                .scheduledExecutorService("cardinality-sampler")
                .build();
        long every = cardinalityInterval.toMilliseconds();
        var unused = scheduler.scheduleWithFixedDelay(sampler, every, every, TimeUnit.MILLISECONDS); // stopped with it
        return sampler;
    }

    /** What {@code GET /api/status} shows of the worst offenders: the sampler's families, label names on request. */
    public CardinalityReport buildCardinalityReport(
            MetricStore store, CardinalitySampler sampler, InstantSource clock) {
        return new CardinalityReport(store, sampler, clock, topFamilies, CardinalityReport.MAX_LABEL_VALUES);
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

    @JsonProperty
    public int getTopFamilies() {
        return topFamilies;
    }

    @JsonProperty
    public void setTopFamilies(int topFamilies) {
        this.topFamilies = topFamilies;
    }

    @JsonProperty
    public Duration getCardinalityInterval() {
        return cardinalityInterval;
    }

    @JsonProperty
    public void setCardinalityInterval(Duration cardinalityInterval) {
        this.cardinalityInterval = cardinalityInterval;
    }

    @JsonProperty
    public Duration getGrowthWindow() {
        return growthWindow;
    }

    @JsonProperty
    public void setGrowthWindow(Duration growthWindow) {
        this.growthWindow = growthWindow;
    }
}
