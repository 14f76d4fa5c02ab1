package io.promstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** The e2e values in order, merged as 0.01..0.77 then (a scrape between) 0.78..1.00: p50 was 0.44. */
    @Test
    void theSortedHundredInTwoRunsStayWithinTheEndToEndBounds() {
        QuantileWindow window = new QuantileWindow(QUANTILES, EPSILONS, 600_000, 5, new ManualClock());
        for (int i = 0; i < 100; i++) {
            window.insert((i + 1) / 100.0);
            if (i == 76) {
                window.get(0);
            }
        }
        assertThat(window.get(0)).isBetween(0.45, 0.55);
        assertThat(window.get(1)).isBetween(0.89, 0.91);
        assertThat(window.get(2)).isBetween(0.98, 1.0);
    }

    /**
     * The e2e summary: 0.01, 0.02, ..., 1.00 arriving through two or three concurrent workers, so nearly sorted
     * but interleaved, and merged in the runs that scrapes (or a full buffer) cut. Every target is checked
     * after every run.
     */
    @Test
    void theHundredValuesOfTheEndToEndTestInAnyWorkersOrder() {
        for (long seed = 0; seed < 10_000; seed++) {
            Random random = new Random(seed);
            double[] sorted = new double[100];
            for (int i = 0; i < 100; i++) {
                sorted[i] = (i % 100 + 1) / 100.0;
            }
            double[] arrival = switch ((int) (seed % 3)) {
                case 0 -> workers(sorted, 2 + random.nextInt(2), random);
                case 1 -> mergeOfTwoSortedStreams(sorted, random);
                default -> nearlySorted(sorted, 1 + random.nextInt(6), random);
            };
            feedAndCheck(arrival, 1 + random.nextInt(random.nextBoolean() ? 10 : 150), true, random, "seed " + seed);
        }
    }

    /** Random data, duplicates, ascending values; n = 0 stands for random sizes up to 600 (below 1 / epsilon). */
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {0, 1000, 10_000})
    void randomDataInRandomRuns(int size) {
        for (long seed = 0; seed < (size == 10_000 ? 200 : 400); seed++) {
            Random random = new Random(seed * 31 + size);
            int n = size == 0 ? 1 + random.nextInt(600) : size;
            double[] values = new double[n];
            int kind = (int) (seed % 4);
            for (int i = 0; i < n; i++) {
                values[i] = switch (kind) {
                    case 0 -> random.nextDouble();
                    case 1 -> random.nextInt(1 + (int) (seed % 50)); // duplicates
                    case 2 -> Math.exp(random.nextGaussian() * 3);
                    default -> i; // ascending, as a counter-like source sends them
                };
            }
            if (kind == 3) {
                values = random.nextBoolean() ? workers(values, 2 + random.nextInt(2), random) : values;
            }
            feedAndCheck(
                    values, 1 + random.nextInt(200), n <= 1000, random, "n " + n + " kind " + kind + " seed " + seed);
        }
    }

    /** Splits {@code sorted} into pushes, deals them to {@code workers}, and interleaves the workers at random. */
    private static double[] workers(double[] sorted, int workers, Random random) {
        List<List<Double>> queues = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            queues.add(new ArrayList<>());
        }
        for (int i = 0; i < sorted.length; ) {
            List<Double> queue = queues.get(random.nextInt(workers));
            int push = 1 + random.nextInt(12);
            for (int k = 0; k < push && i < sorted.length; k++) {
                queue.add(sorted[i++]);
            }
        }
        return interleave(queues, random);
    }

    private static double[] mergeOfTwoSortedStreams(double[] sorted, Random random) {
        List<List<Double>> streams = List.of(new ArrayList<>(), new ArrayList<>());
        for (double v : sorted) {
            streams.get(random.nextInt(2)).add(v);
        }
        return interleave(streams, random);
    }

    private static double[] interleave(List<List<Double>> queues, Random random) {
        int total = queues.stream().mapToInt(List::size).sum();
        double[] out = new double[total];
        int[] next = new int[queues.size()];
        for (int o = 0; o < total; ) {
            int q = random.nextInt(queues.size());
            int burst = 1 + random.nextInt(4);
            for (int k = 0; k < burst && next[q] < queues.get(q).size(); k++) {
                out[o++] = queues.get(q).get(next[q]++);
            }
        }
        return out;
    }

    private static double[] nearlySorted(double[] sorted, int reach, Random random) {
        double[] out = sorted.clone();
        for (int i = 0; i + 1 < out.length; i++) {
            int j = Math.min(out.length - 1, i + random.nextInt(reach + 1));
            double t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /**
     * Inserts {@code arrival} in order, asking for the quantiles (which merges the buffered run, as a scrape
     * does) after each value with probability {@code 1 / meanRun}, and checks every target then (when {@code
     * eachRun}) and at the end.
     */
    private static void feedAndCheck(double[] arrival, int meanRun, boolean eachRun, Random random, String what) {
        QuantileWindow window = new QuantileWindow(QUANTILES, EPSILONS, 600_000, 5, new ManualClock());
        StringBuilder runs = new StringBuilder();
        int runStart = 0;
        for (int i = 0; i < arrival.length; i++) {
            window.insert(arrival[i]);
            boolean last = i == arrival.length - 1;
            if (last || random.nextInt(meanRun) == 0 || (i + 1 - runStart) % 128 == 0) {
                if (arrival.length <= 100) {
                    double[] run = Arrays.copyOfRange(arrival, runStart, i + 1);
                    Arrays.sort(run);
                    runs.append(Arrays.toString(run)).append(' ');
                }
                runStart = i + 1;
                if (eachRun || last) {
                    checkEveryTarget(window, Arrays.copyOf(arrival, i + 1), what + " runs " + runs);
                } else {
                    window.get(0);
                }
            }
        }
    }

    /**
     * The returned value v, with j observations below it and k at or below it, stands for the ranks (j, k]:
     * some rank in [j + 1, k] lies within epsilon * n of phi * n when any rank does, and otherwise [j, k]
     * meets phi * n +- epsilon * n (so v is the value at the next rank up).
     */
    private static void checkEveryTarget(QuantileWindow window, double[] observed, String what) {
        double[] sorted = observed.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        for (int q = 0; q < QUANTILES.length; q++) {
            double v = window.get(q);
            int j = lowerBound(sorted, v);
            int k = lowerBound(sorted, Math.nextUp(v));
            double lo = QUANTILES[q] * n - EPSILONS[q] * n - 1e-9;
            double hi = QUANTILES[q] * n + EPSILONS[q] * n + 1e-9;
            boolean someRankFits = Math.ceil(lo) <= Math.floor(hi) && Math.floor(hi) >= 1 && Math.ceil(lo) <= n;
            boolean ok = k > j && (someRankFits ? j + 1 <= hi && k >= lo : j <= hi && k >= lo);
            if (!ok) {
                throw new AssertionError(String.format(
                        "%s: q=%s eps=%s n=%d returned %s with ranks (%d, %d], wanted [%s, %s]; %s",
                        what, QUANTILES[q], EPSILONS[q], n, v, j, k, lo, hi, someRankFits ? "" : "(no rank fits)"));
            }
        }
    }

    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
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
