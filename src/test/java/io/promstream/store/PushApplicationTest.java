package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static io.promstream.store.Samples.gauge;
import static io.promstream.store.Samples.histogram;
import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link MetricStore#applyAll}: a push is applied whole or not at all, also while others change the store. */
class PushApplicationTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(new StoreSettings(10, 600_000, 5), clock);

    private static Sample merged(String name, double[] bounds, long[] cumulative, long count, double sum) {
        return histogram(name, 0).aggregateHistogram(bounds, cumulative, count, sum);
    }

    private double value(String family, String... labels) {
        Family f = store.family(family);
        if (f == null) {
            return Double.NaN;
        }
        Sample probe = counter(family, 0, labels);
        return store.snapshot(f).stream()
                .filter(s -> s.labels().equals(LabelSet.of(probe)))
                .mapToDouble(SeriesSnapshot::value)
                .findFirst()
                .orElse(Double.NaN);
    }

    @Test
    void aConflictAnywhereInThePushAppliesNothing() {
        store.apply(gauge("b", 1), 0, 0, store.partition(0));
        PushResult result = store.applyAll(List.of(counter("a", 1), counter("b", 1)), i -> 0, 0, store.partition(0));
        assertThat(result.applied()).isZero();
        assertThat(result.refusal().reason()).isEqualTo(RejectReason.TYPE_CONFLICT);
        assertThat(store.family("a"))
                .as("the first sample's family was not created")
                .isNull();
    }

    @Test
    void aPushIsCheckedAgainstItsOwnEarlierSamples() {
        PushResult result =
                store.applyAll(List.of(gauge("a", 1), counter("a_total", 1)), i -> 0, 0, store.partition(0));
        assertThat(result.refusal().reason()).isEqualTo(RejectReason.TYPE_CONFLICT);
        assertThat(store.familyCount()).isZero();
    }

    @Test
    void anotherBucketLayoutRefusesTheWholePush() {
        store.apply(merged("h", new double[] {1, 2}, new long[] {1, 1}, 1, 0.5), 0, 0, store.partition(0));
        PushResult result = store.applyAll(
                List.of(counter("c", 5), merged("h", new double[] {5}, new long[] {1}, 1, 1)),
                i -> 0,
                0,
                store.partition(0));
        assertThat(result.refusal().reason()).isEqualTo(RejectReason.INVALID_BUCKETS);
        assertThat(store.family("c")).isNull();
    }

    @Test
    void aPushThatDoesNotFitUnderTheSeriesCapIsRefusedWhole() {
        for (int i = 0; i < 8; i++) {
            store.apply(counter("full", 1, "i", "" + i), 0, 0, store.partition(0));
        }
        List<Sample> push = List.of(counter("p", 1, "i", "1"), counter("p", 1, "i", "2"), counter("p", 1, "i", "3"));
        PushResult result = store.applyAll(push, i -> 0, 0, store.partition(0));
        assertThat(result.refusal().reason()).isEqualTo(RejectReason.SERIES_LIMIT);
        assertThat(store.seriesCount()).isEqualTo(8);
        assertThat(store.applyAll(push.subList(0, 2), i -> 0, 0, store.partition(0))
                        .isWhole())
                .isTrue();
        assertThat(store.seriesCount()).isEqualTo(10);
    }

    @Test
    void theSameSeriesTwiceIsRefused() {
        PushResult result = store.applyAll(
                List.of(counter("a", 1, "x", "1"), counter("a_total", 1, "x", "1")), i -> 0, 0, store.partition(0));
        assertThat(result.refusal().reason()).isEqualTo(RejectReason.INVALID_MESSAGE);
        assertThat(store.familyCount()).isZero();
    }

    @Test
    void pushesRacingConflictingSamplesAndResetsAreAllOrNothing() throws Exception {
        // the race reported black-box: two pushers send counters racex + racey, a queue worker keeps sending a
        // gauge racey, and a resetter keeps removing racey; a push must never apply racex alone
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong whole = new AtomicLong();
        List<String> partial = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    PushResult r = store.applyAll(
                            List.of(counter("racex", 1), counter("racey", 1)), i -> 0, 0, store.partition(0));
                    if (r.isWhole()) {
                        whole.incrementAndGet();
                    } else if (r.applied() != 0) {
                        synchronized (partial) {
                            partial.add(r.applied() + " applied, then "
                                    + r.refusal().message());
                        }
                    }
                }
            }));
        }
        threads.add(new Thread(() -> {
            while (!stop.get()) {
                store.apply(gauge("racey", 1), 0, 0, store.partition(0));
            }
        }));
        threads.add(new Thread(() -> {
            while (!stop.get()) {
                store.remove(f -> f.name().equals("racey"), l -> true, Long.MAX_VALUE);
            }
        }));
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && whole.get() < 20_000) {
            Thread.onSpinWait();
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(partial).isEmpty();
        assertThat(whole.get()).isPositive();
        assertThat(value("racex")).isEqualTo((double) whole.get());
    }

    @Test
    void aResetRacingAPushNeverMakesAValidPushFail() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<String> refused = new ArrayList<>();
        AtomicLong pushes = new AtomicLong();
        Thread pusher = new Thread(() -> {
            while (!stop.get()) {
                PushResult r = store.applyAll(
                        List.of(counter("racex", 1), counter("racez", 1)), i -> 0, 0, store.partition(0));
                pushes.incrementAndGet();
                if (!r.isWhole()) {
                    refused.add(r.refusal().message());
                }
            }
        });
        Thread resetter = new Thread(() -> {
            while (!stop.get()) {
                store.remove(f -> f.name().equals("racez"), l -> true, Long.MAX_VALUE);
            }
        });
        pusher.start();
        resetter.start();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < deadline && pushes.get() < 20_000) {
            Thread.onSpinWait();
        }
        stop.set(true);
        pusher.join();
        resetter.join();
        assertThat(refused).isEmpty();
        assertThat(value("racex")).isEqualTo((double) pushes.get());
        assertThat(store.seriesCount())
                .isEqualTo(store.families().stream().mapToInt(Family::size).sum());
    }
}
