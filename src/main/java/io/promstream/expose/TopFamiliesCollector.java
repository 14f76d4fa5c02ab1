package io.promstream.expose;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.promstream.store.CardinalitySampler;
import io.promstream.store.CardinalitySampler.FamilyGrowth;
import io.promstream.store.CardinalitySampler.FamilySeries;
import java.util.List;

/**
 * {@code top_family_series{family}} and {@code top_family_growth{family}}: the sampler's last top lists, read as
 * they are (a scrape computes nothing); {@code family} holds only the top few names.
 */
final class TopFamiliesCollector extends Collector {
    static final String SERIES = GatewayMetrics.PREFIX + "top_family_series";
    static final String GROWTH = GatewayMetrics.PREFIX + "top_family_growth";

    private volatile CardinalitySampler sampler;

    void watch(CardinalitySampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily series = new GaugeMetricFamily(
                SERIES,
                "Series of the families with the most, at the last sample of metaMetrics.cardinalityInterval.",
                List.of("family"));
        GaugeMetricFamily growth = new GaugeMetricFamily(
                GROWTH,
                "Series the fastest-growing families gained over metaMetrics.growthWindow, at the last sample.",
                List.of("family"));
        CardinalitySampler source = sampler;
        if (source != null) {
            CardinalitySampler.Top top = source.latest();
            for (FamilySeries family : top.bySeries()) {
                series.addMetric(List.of(family.name()), family.series());
            }
            for (FamilyGrowth family : top.byGrowth()) {
                growth.addMetric(List.of(family.name()), family.growth());
            }
        }
        return List.of(series, growth);
    }
}
