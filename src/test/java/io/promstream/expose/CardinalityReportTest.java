package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.store.CardinalitySampler;
import io.promstream.store.LabelCardinality.LabelStat;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CardinalityReportTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), clock);
    private final CardinalitySampler sampler =
            new CardinalitySampler(store, clock, Duration.ofMinutes(10).toMillis(), 10);
    private final CardinalityReport report = new CardinalityReport(store, sampler, clock, 10, 100);

    private void add(String name, String user) {
        Sample s = new Sample().type(MetricType.COUNTER).name(name).value(1).label("user", user);
        s.canonicalizeLabels();
        assertThat(store.apply(s, 0, clock.millis(), store.partition(0))).isNull();
    }

    @Test
    void aLabelScanIsReusedForTenSecondsAndSaysWhenItWasMade() {
        add("logins", "a");
        long first = clock.millis();
        assertThat(report.offenders().labels()).containsExactly(new LabelStat("user", 1, false, 1));
        add("logins", "b");
        clock.advance(Duration.ofMillis(CardinalityReport.RESCAN_MILLIS - 1));
        assertThat(report.offenders().labels()).containsExactly(new LabelStat("user", 1, false, 1));
        assertThat(report.offenders().labelsScannedAtMillis()).isEqualTo(first);
        clock.advance(Duration.ofMillis(1));
        assertThat(report.offenders().labels()).containsExactly(new LabelStat("user", 2, false, 2));
        assertThat(report.offenders().labelsScannedAtMillis()).isEqualTo(clock.millis());
    }

    @Test
    void theMetaMetricsReadTheLastSampleOnly() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics(store);
        CollectorRegistry registry = new CollectorRegistry();
        assertThat(metrics.register(registry, false))
                .contains(TopFamiliesCollector.SERIES, TopFamiliesCollector.GROWTH);
        metrics.watch(sampler);
        sampler.sample();
        add("logins", "a");
        add("logins", "b");
        String[] family = {"family"};
        String[] logins = {"logins"};
        assertThat(registry.getSampleValue(TopFamiliesCollector.SERIES, family, logins))
                .as("not sampled since")
                .isNull();
        clock.advance(Duration.ofMinutes(1));
        sampler.sample();
        assertThat(registry.getSampleValue(TopFamiliesCollector.SERIES, family, logins))
                .isEqualTo(2);
        assertThat(registry.getSampleValue(TopFamiliesCollector.GROWTH, family, logins))
                .isEqualTo(2);
    }
}
