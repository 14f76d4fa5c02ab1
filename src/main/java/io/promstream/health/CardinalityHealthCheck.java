package io.promstream.health;

import com.codahale.metrics.health.HealthCheck;
import io.promstream.store.MetricStore;

/** {@code cardinality}: unhealthy once the store holds {@code aggregation.maxSeries} series. */
public final class CardinalityHealthCheck extends HealthCheck {
    private final MetricStore store;

    public CardinalityHealthCheck(MetricStore store) {
        this.store = store;
    }

    @Override
    protected Result check() {
        int series = store.seriesCount();
        int max = store.settings().maxSeries();
        return series < max
                ? Result.healthy(series + " of " + max + " series")
                : Result.unhealthy(
                        series + " series, at the cap of " + max + "; new series are rejected (series_limit)");
    }
}
