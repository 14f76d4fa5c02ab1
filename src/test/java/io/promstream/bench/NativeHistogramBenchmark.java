package io.promstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.MetricType;
import io.promstream.parse.NativeHistogram;
import io.promstream.parse.Sample;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import java.lang.management.ManagementFactory;
import java.time.InstantSource;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code make bench}: native histograms (docs/native-histograms.md) against classic ones measured in the same run:
 * heap per series (100,000 series, 20 latency-like observations each), and the cost of one observation and of
 * adding one whole histogram into a series.
 */
@Tag("bench")
class NativeHistogramBenchmark {
    private static final int SERIES = Integer.getInteger("bench.nativeSeries", 100_000);
    private static final int OBSERVATIONS = 20;

    @Test
    void heapAndMergeCostAgainstClassicHistograms() {
        long classicBytes = heapOf(false);
        long nativeBytes = heapOf(true);
        System.out.printf(
                "BENCH native histograms: %,d series of %d observations: %,d bytes/series native (schema 3), %,d bytes/series"
                        + " classic (11 buckets) in the same run (ratio %.2f)%n",
                SERIES, OBSERVATIONS, nativeBytes / SERIES, classicBytes / SERIES, (double) nativeBytes / classicBytes);

        double classicNs = observeNanos(false);
        double nativeNs = observeNanos(true);
        System.out.printf(
                "BENCH native histograms: one observation into a series %.1f ns native, %.1f ns classic (ratio %.2f)%n",
                nativeNs, classicNs, nativeNs / classicNs);

        NativeHistogram pushed = new NativeHistogram(3, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            pushed.observe(Math.exp(random.nextGaussian() * 1.5 - 3));
        }
        NativeHistogram sum = new NativeHistogram(2, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        int adds = 200_000;
        for (int round = 0; round < 2; round++) { // the first round warms up
            long t0 = System.nanoTime();
            for (int i = 0; i < adds; i++) {
                sum.add(pushed);
            }
            long nanos = System.nanoTime() - t0;
            if (round == 1) {
                System.out.printf(
                        "BENCH native histograms: adding a pushed histogram of %d buckets (schema 3 into 2): %.0f ns"
                                + " (%.1f ns per observation it holds)%n",
                        pushed.positive().size(), (double) nanos / adds, (double) nanos / adds / pushed.count());
            }
        }
        assertThat(sum.count()).isEqualTo(2L * adds * pushed.count());
    }

    private static long heapOf(boolean nativeBuckets) {
        long before = usedHeapAfterGc();
        MetricStore store = new MetricStore(new StoreSettings(SERIES, 600_000, 5), InstantSource.system());
        Sample sample = new Sample();
        Random random = new Random(1);
        for (int i = 0; i < SERIES; i++) {
            for (int j = 0; j < OBSERVATIONS; j++) {
                sample.clear()
                        .type(MetricType.HISTOGRAM)
                        .name("rpc_seconds")
                        .value(Math.exp(random.nextGaussian() * 1.5 - 3))
                        .label("route", "/api/" + i);
                if (nativeBuckets) {
                    sample.nativeSchema(3);
                }
                sample.canonicalizeLabels();
                assertThat(store.apply(sample, 0, 0, store.partition(0))).isNull();
            }
        }
        long heap = usedHeapAfterGc() - before;
        assertThat(store.seriesCount()).isEqualTo(SERIES);
        return heap;
    }

    private static double observeNanos(boolean nativeBuckets) {
        MetricStore store = new MetricStore(new StoreSettings(10, 600_000, 5), InstantSource.system());
        Sample sample =
                new Sample().type(MetricType.HISTOGRAM).name("rpc_seconds").value(0.1);
        if (nativeBuckets) {
            sample.nativeSchema(3);
        }
        double[] values = new double[4096];
        Random random = new Random(2);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(random.nextGaussian() * 1.5 - 3);
        }
        int n = 5_000_000;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sample.value(values[i & 4095]);
                store.apply(sample, 0, 0, store.partition(0));
            }
            best = Math.min(best, (double) (System.nanoTime() - t0) / n);
        }
        return best;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
