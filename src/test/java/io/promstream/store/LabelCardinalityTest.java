package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static io.promstream.store.Samples.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.store.LabelCardinality.LabelStat;
import io.promstream.testing.ManualClock;
import org.junit.jupiter.api.Test;

class LabelCardinalityTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), clock);

    @Test
    void labelNamesByDistinctValuesOverAllFamiliesThenBySeriesThenByName() {
        for (int i = 0; i < 50; i++) {
            store.apply(counter("requests", 1, "env", "prod", "user", "u" + i), 0, clock.millis(), store.partition(0));
        }
        store.apply(gauge("queue_depth", 1, "env", "dev", "zone", "a"), 0, clock.millis(), store.partition(0));
        store.apply(gauge("queue_depth", 1, "env", "dev", "zone", "b"), 0, clock.millis(), store.partition(0));
        store.apply(gauge("temperature", 1, "room", "a"), 0, clock.millis(), store.partition(0));
        store.apply(gauge("temperature", 1, "room", "b"), 0, clock.millis(), store.partition(0));

        assertThat(LabelCardinality.scan(store, 10, 10))
                .containsExactly(
                        new LabelStat("user", 10, true, 50),
                        new LabelStat("env", 2, false, 52),
                        new LabelStat("room", 2, false, 2),
                        new LabelStat("zone", 2, false, 2));
        assertThat(LabelCardinality.scan(store, 2, 100))
                .containsExactly(new LabelStat("user", 50, false, 50), new LabelStat("env", 2, false, 52));
        assertThat(LabelCardinality.scan(store, 2, 50))
                .as("exactly as many values as the cap")
                .containsExactly(new LabelStat("user", 50, false, 50), new LabelStat("env", 2, false, 52));
    }
}
