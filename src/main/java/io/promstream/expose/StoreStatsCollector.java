package io.promstream.expose;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.promstream.store.MetricStore;
import java.util.List;

/** Meta metrics read from the store at scrape time: series count, bucket mismatches, expired series. */
final class StoreStatsCollector extends Collector {
    private final MetricStore store;

    StoreStatsCollector(MetricStore store) {
        this.store = store;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        return List.of(
                new GaugeMetricFamily(
                        GatewayMetrics.PREFIX + "series", "Active series in the store.", store.seriesCount()),
                new GaugeMetricFamily(
                        GatewayMetrics.PREFIX + "families",
                        "Active metric families in the store.",
                        store.familyCount()),
                new CounterMetricFamily(
                        GatewayMetrics.PREFIX + "bucket_mismatch_total",
                        "Samples whose buckets or quantiles differ from their series' layout; observed into "
                                + "the existing layout.",
                        store.bucketMismatches()),
                new CounterMetricFamily(
                        GatewayMetrics.PREFIX + "series_expired_total",
                        "Series removed after being idle for aggregation.seriesTtl.",
                        store.expiredSeries()),
                new CounterMetricFamily(
                        GatewayMetrics.PREFIX + "samples_dropped_by_rule_total",
                        "Samples of families that aggregation.familyRules drops; taken as accepted, kept nowhere.",
                        store.droppedByRule()));
    }
}
