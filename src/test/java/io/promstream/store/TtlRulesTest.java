package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promstream.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TTL per family: the first matching rule, else the default; 0 never expires. */
class TtlRulesTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void eachFamilyExpiresByItsOwnRule() {
        MetricStore store = new MetricStore(StoreSettings.defaults(), clock);
        TtlRules rules = new TtlRules(
                Duration.ofMinutes(10).toMillis(),
                List.of(
                        new TtlRules.Rule("fast_.*", Duration.ofMinutes(1).toMillis()),
                        new TtlRules.Rule("keep_.*", 0)));
        for (String name : List.of("fast_jobs", "slow_jobs", "keep_jobs")) {
            assertThat(store.apply(counter(name, 1), 0, clock.millis(), store.partition(0)))
                    .isNull();
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.expireIdle(rules)).isEqualTo(1);
        assertThat(store.family("fast_jobs")).isNull();
        clock.advance(Duration.ofMinutes(9));
        assertThat(store.expireIdle(rules)).isEqualTo(1);
        assertThat(store.family("slow_jobs")).isNull();
        clock.advance(Duration.ofDays(30));
        assertThat(store.expireIdle(rules)).isZero();
        assertThat(store.seriesCount()).isEqualTo(1); // keep_jobs: 0, never
        assertThat(store.expiredSeries()).isEqualTo(2);
        assertThat(rules.describe("keep_jobs")).isEqualTo("keep_.*");
        assertThat(rules.describe("other")).isEqualTo("default");
    }

    @Test
    void aNegativeTtlOrABadPatternIsRefused() {
        assertThatThrownBy(() -> new TtlRules(-1, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TtlRules(0, List.of(new TtlRules.Rule("a", -5))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TtlRules(0, List.of(new TtlRules.Rule("(", 5))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
