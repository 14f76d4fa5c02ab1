package io.promstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.testing.ManualClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuantileAccuracyTest {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};
    private static final double[] EPSILONS = {0.05, 0.01, 0.001};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void estimatesStayWithinEachQuantilesRankError(long seed) {
        Random random = new Random(seed);
        int n = 10_000;
        double[] values = new double[n];
        ManualClock clock = new ManualClock();
        QuantileWindow window = new QuantileWindow(QUANTILES, EPSILONS, 600_000, 5, clock);
        for (int i = 0; i < n; i++) {
            values[i] = seed % 2 == 0 ? random.nextDouble() * 1000 : Math.exp(random.nextGaussian() * 2);
            window.insert(values[i]);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int q = 0; q < QUANTILES.length; q++) {
            double estimate = window.get(q);
            int rank = Arrays.binarySearch(sorted, estimate);
            assertThat(rank).as("estimate is one of the observed values").isNotNegative();
            double allowed = EPSILONS[q] * n;
            assertThat(Math.abs(rank + 1 - QUANTILES[q] * n))
                    .as(
                            "rank error of q=%s (estimate %s, exact %s)",
                            QUANTILES[q], estimate, sorted[(int) Math.ceil(QUANTILES[q] * n) - 1])
                    .isLessThanOrEqualTo(allowed);
        }
    }

    @Test
    void theSketchStaysSmall() {
        CkmsQuantiles sketch = new CkmsQuantiles(QUANTILES, EPSILONS);
        Random random = new Random(7);
        double[] run = new double[128];
        for (int round = 0; round < 1000; round++) {
            for (int i = 0; i < run.length; i++) {
                run[i] = random.nextDouble();
            }
            Arrays.sort(run);
            sketch.insertSorted(run, run.length);
        }
        assertThat(sketch.count()).isEqualTo(128_000);
        assertThat(sketch.retained()).isLessThan(5_000);
    }

    @Test
    void theWindowForgetsValuesOlderThanMaxAge() {
        ManualClock clock = new ManualClock();
        QuantileWindow window = new QuantileWindow(new double[] {0.5}, new double[] {0.01}, 600_000, 5, clock);
        for (int i = 0; i < 100; i++) {
            window.insert(1000);
        }
        clock.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 100; i++) {
            window.insert(1);
        }
        assertThat(window.get(0)).as("both halves still in the window").isIn(1.0, 1000.0);
        clock.advance(Duration.ofMinutes(6)); // the 1000s are now older than 10 minutes
        assertThat(window.get(0)).isEqualTo(1.0);
        clock.advance(Duration.ofMinutes(11));
        assertThat(window.get(0)).isNaN();
    }
}
