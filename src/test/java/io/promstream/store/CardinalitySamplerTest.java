package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.store.CardinalitySampler.FamilyGrowth;
import io.promstream.store.CardinalitySampler.FamilySeries;
import io.promstream.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CardinalitySamplerTest {
    private static final long WINDOW = Duration.ofMinutes(10).toMillis();

    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), clock);
    private final CardinalitySampler sampler = new CardinalitySampler(store, clock, WINDOW, 2);

    private void add(String family, int from, int to) {
        for (int i = from; i < to; i++) {
            store.apply(counter(family, 1, "id", Integer.toString(i)), 0, clock.millis(), store.partition(0));
        }
    }

    @Test
    void nothingBeforeTheFirstSample() {
        assertThat(sampler.latest()).isEqualTo(CardinalitySampler.Top.NONE);
    }

    @Test
    void theLargestFamiliesFirstTiesByNameOnlyTheTopN() {
        add("c_jobs", 0, 2);
        add("b_jobs", 0, 3);
        add("a_jobs", 0, 2);
        sampler.sample();
        assertThat(sampler.latest().sampledAtMillis()).isEqualTo(clock.millis());
        assertThat(sampler.latest().bySeries())
                .containsExactly(new FamilySeries("b_jobs", 3), new FamilySeries("a_jobs", 2));
        assertThat(sampler.latest().byGrowth()).as("no earlier sample").isEmpty();
    }

    @Test
    void growthIsOverTheNewestSampleAtLeastTheWindowOld() {
        add("a_jobs", 0, 2);
        add("b_jobs", 0, 1);
        sampler.sample(); // t = 0
        clock.advance(Duration.ofMinutes(5));
        add("b_jobs", 1, 4);
        sampler.sample(); // t = 5m: against t = 0, the oldest
        assertThat(sampler.latest().byGrowth()).containsExactly(new FamilyGrowth("b_jobs", 4, 3, 300));

        clock.advance(Duration.ofMinutes(6));
        add("a_jobs", 2, 3);
        sampler.sample(); // t = 11m: against t = 0, the newest at least 10m old
        assertThat(sampler.latest().byGrowth())
                .containsExactly(new FamilyGrowth("b_jobs", 4, 3, 660), new FamilyGrowth("a_jobs", 3, 1, 660));

        clock.advance(Duration.ofMinutes(5));
        sampler.sample(); // t = 16m: against t = 5m
        assertThat(sampler.latest().byGrowth()).containsExactly(new FamilyGrowth("a_jobs", 3, 1, 660));
    }

    @Test
    void aNewFamilyGrewByAllItsSeriesAndEqualGrowthsGoByName() {
        add("a_jobs", 0, 1);
        sampler.sample();
        clock.advance(Duration.ofMinutes(1));
        add("z_jobs", 0, 2);
        add("m_jobs", 0, 2);
        add("b_jobs", 0, 1);
        sampler.sample();
        assertThat(sampler.latest().byGrowth())
                .containsExactly(new FamilyGrowth("m_jobs", 2, 2, 60), new FamilyGrowth("z_jobs", 2, 2, 60));
    }

    @Test
    void theWindowStaysBoundedWhenSampledOften() {
        add("a_jobs", 0, 1);
        for (int i = 0; i < 2000; i++) {
            if (i % 100 == 0) {
                add("a_jobs", 1 + i, 2 + i);
            }
            clock.advance(Duration.ofSeconds(1));
            sampler.sample();
        }
        FamilyGrowth growth = sampler.latest().byGrowth().get(0);
        assertThat(growth.windowSeconds()).isBetween(600L, 600L + 60);
        assertThat(growth.growth()).isBetween(6, 7);
    }

    @Test
    void aFamilyBeyondTheTrackedOnesWasAtMostTheSmallestTrackedOne() {
        add("big_jobs", 0, 3);
        for (int i = 0; i < CardinalitySampler.TRACKED; i++) {
            add("small_" + i, 0, 2);
        }
        sampler.sample(); // small_999 (by name order) is not kept: it had at most 2 then
        clock.advance(Duration.ofMinutes(1));
        add("small_999", 2, 7);
        sampler.sample();
        assertThat(sampler.latest().byGrowth()).containsExactly(new FamilyGrowth("small_999", 7, 5, 60));
    }
}
