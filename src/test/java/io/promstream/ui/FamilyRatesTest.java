package io.promstream.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A family's rate is the growth of its total between the console's own listings. */
class FamilyRatesTest {
    @Test
    void theFirstListingHasNoRateAndALaterOneHasTheGrowthPerSecond() {
        FamilyRates rates = new FamilyRates();
        assertThat(rates.rates(Map.of("jobs", 100.0, "depth", Double.NaN), 0)).isEmpty();
        assertThat(rates.rates(Map.of("jobs", 120.0), 2_000)).as("too soon").isEmpty();
        assertThat(rates.rates(Map.of("jobs", 150.0, "depth", Double.NaN), 10_000))
                .containsOnly(Map.entry("jobs", 5.0));
        assertThat(rates.rates(Map.of("jobs", 10.0), 20_000))
                .as("reset: no rate")
                .isEmpty();
    }
}
