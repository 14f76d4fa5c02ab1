package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static io.promstream.store.Samples.gauge;
import static io.promstream.store.Samples.gaugeOp;
import static io.promstream.store.Samples.histogram;
import static io.promstream.store.Samples.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promstream.parse.GaugeOp;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Checkpoints of a partition: what a full and incremental segments hold, and that reading them restores it. */
class CheckpointCodecTest {
    private final ManualClock clock = new ManualClock();

    private MetricStore sharded(int shards) {
        return new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, shards);
    }

    private void fill(MetricStore store, Partition p) {
        List<Sample> samples = List.of(
                counter("jobs", 2, "queue", "mail", "zone", "é\"\n").help("Jobs done."),
                counter("jobs_total", 3, "queue", "sms"),
                gauge("temp", 21.5).timestamp(5_000),
                gaugeOp("inflight", GaugeOp.INC, 4),
                histogram("lat", 0.3).buckets(0.1, 1),
                histogram("lat", 7).buckets(0.1, 1),
                histogram("size", 0.02));
        samples.forEach(s -> assertThat(store.apply(s, 0, clock.millis(), p)).isNull());
        for (int i = 1; i <= 500; i++) {
            store.apply(summary("rt", i, "path", "/"), 0, clock.millis(), p);
        }
    }

    /** Every series of the store, visible or not, as text (families sorted, series sorted). */
    static String dump(MetricStore store) {
        return store.families().stream()
                .sorted(Comparator.comparing(Family::name))
                .map(f -> f.name() + ":" + f.type() + ":" + f.help()
                        + store.snapshot(f).stream()
                                .map(s -> s.labels() + "=" + s.value() + "," + Arrays.toString(s.bounds())
                                        + Arrays.toString(s.counts()) + Arrays.toString(s.quantileValues())
                                        + s.sum() + "," + s.count())
                                .sorted()
                                .collect(Collectors.joining(";")))
                .collect(Collectors.joining("\n"));
    }

    private static byte[] concat(byte[]... segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] s : segments) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    @Test
    void aFullSegmentRestoresEveryTypeAndTheRestoredStoreAggregatesOn() throws Exception {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        fill(store, p);
        CheckpointCodec.Segment full = CheckpointCodec.take(store, p, true);
        assertThat(full.series()).isEqualTo(store.seriesCount());

        MetricStore restored = sharded(1);
        Partition q = restored.openPartition(0);
        CheckpointCodec.Loaded loaded = CheckpointCodec.load(restored, q, full.bytes());
        assertThat(loaded.series()).isEqualTo(store.seriesCount());
        assertThat(loaded.refused()).isZero();
        assertThat(dump(restored)).isEqualTo(dump(store));

        restored.apply(counter("jobs_total", 1, "queue", "sms"), 0, clock.millis(), q);
        restored.apply(gauge("temp", 1).timestamp(4_000), 0, clock.millis(), q);
        restored.apply(summary("rt", 1000, "path", "/"), 0, clock.millis(), q);
        assertThat(value(restored, "jobs", "queue", "sms")).isEqualTo(4);
        assertThat(value(restored, "temp")).isEqualTo(21.5); // an older sender timestamp still loses
        assertThat(restored.snapshot(restored.family("rt")).get(0).count()).isEqualTo(501);
        restored.apply(gauge("temp", 9), 1, clock.millis(), q);
        assertThat(value(restored, "temp")).isEqualTo(9);
    }

    @Test
    void incrementalSegmentsHoldOnlyWhatChangedAndRemovalsReplayInOrder() throws Exception {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        store.apply(counter("a", 1, "k", "1"), 0, 0, p);
        store.apply(counter("a", 1, "k", "2"), 0, 0, p);
        store.apply(gauge("g", 5), 0, 0, p);
        CheckpointCodec.Segment first = CheckpointCodec.take(store, p, false);
        assertThat(first.series()).isEqualTo(3);
        assertThat(CheckpointCodec.take(store, p, false).isEmpty()).isTrue(); // nothing changed since

        store.apply(counter("a", 4, "k", "1"), 0, 0, p);
        assertThat(store.remove(f -> f.name().equals("g"), l -> true, Long.MAX_VALUE))
                .isEqualTo(1);
        CheckpointCodec.Segment second = CheckpointCodec.take(store, p, false);
        assertThat(second.series()).isEqualTo(1);
        assertThat(second.removals()).isEqualTo(1);

        store.apply(gauge("g", 7), 0, 0, p); // the removed series comes back as a new one
        CheckpointCodec.Segment third = CheckpointCodec.take(store, p, false);

        MetricStore restored = sharded(1);
        CheckpointCodec.load(restored, restored.openPartition(0), concat(first.bytes(), second.bytes(), third.bytes()));
        assertThat(dump(restored)).isEqualTo(dump(store));
        assertThat(value(restored, "a", "k", "1")).isEqualTo(5);
        assertThat(value(restored, "g")).isEqualTo(7);

        MetricStore upToSecond = sharded(1);
        CheckpointCodec.load(upToSecond, upToSecond.openPartition(0), concat(first.bytes(), second.bytes()));
        assertThat(upToSecond.family("g")).isNull();
        assertThat(upToSecond.seriesCount()).isEqualTo(2);
    }

    @Test
    void aFullSegmentMakesWhatCameBeforeItMoot() throws Exception {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        store.apply(counter("old", 1), 0, 0, p);
        CheckpointCodec.Segment first = CheckpointCodec.take(store, p, false);
        store.remove(f -> true, l -> true, Long.MAX_VALUE);
        store.apply(counter("new", 2), 0, 0, p);
        CheckpointCodec.Segment full = CheckpointCodec.take(store, p, true);
        assertThat(full.isFull()).isTrue();

        MetricStore restored = sharded(1);
        CheckpointCodec.load(restored, restored.openPartition(0), concat(first.bytes(), full.bytes()));
        assertThat(restored.family("old")).isNull();
        assertThat(value(restored, "new")).isEqualTo(2);
    }

    @Test
    void anAbandonedSegmentsSeriesAreTakenAgainByTheNext() throws Exception {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        store.apply(counter("a", 1), 0, 0, p);
        CheckpointCodec.Segment lost = CheckpointCodec.take(store, p, false);
        lost.abandon(); // its commit failed
        store.apply(counter("b", 1), 0, 0, p);
        CheckpointCodec.Segment next = CheckpointCodec.take(store, p, false);
        assertThat(next.series()).isEqualTo(2);
        MetricStore restored = sharded(1);
        CheckpointCodec.load(restored, restored.openPartition(0), next.bytes());
        assertThat(restored.seriesCount()).isEqualTo(2);
    }

    @Test
    void seenKeysTravelInSegmentsAreTakenAgainWhenAbandonedAndExpireOnLoad() throws Exception {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        long now = clock.millis();
        assertThat(p.seen().add(11, now + 60_000, now)).isTrue();
        assertThat(p.seen().add(12, now + 1_000, now)).isTrue();
        CheckpointCodec.Segment first = CheckpointCodec.take(store, p, true);
        assertThat(first.seenKeys()).isEqualTo(2);
        p.seen().add(13, now + 60_000, now);
        CheckpointCodec.Segment lost = CheckpointCodec.take(store, p, false);
        assertThat(lost.seenKeys()).isEqualTo(1);
        assertThat(lost.isEmpty()).isFalse();
        lost.abandon(); // its commit failed: key 13 goes into the next one
        p.seen().add(14, now + 60_000, now);
        CheckpointCodec.Segment next = CheckpointCodec.take(store, p, false);
        assertThat(next.seenKeys()).isEqualTo(2);
        assertThat(CheckpointCodec.take(store, p, false).isEmpty()).isTrue();

        clock.advance(Duration.ofSeconds(2)); // key 12 has expired by the time a takeover loads it
        MetricStore restored = sharded(1);
        Partition q = restored.openPartition(0);
        CheckpointCodec.load(restored, q, concat(first.bytes(), next.bytes()));
        assertThat(q.seen().size()).isEqualTo(3);
        for (long key : new long[] {11, 13, 14}) {
            assertThat(q.seen().add(key, clock.millis() + 60_000, clock.millis()))
                    .as("key %d is known after the load", key)
                    .isFalse();
        }
        assertThat(q.seen().add(12, clock.millis() + 60_000, clock.millis())).isTrue();
        // what was restored is not new: the next incremental segment holds only key 12, added since
        assertThat(CheckpointCodec.take(restored, q, false).seenKeys()).isEqualTo(1);
    }

    @Test
    void untypedSeriesRoundTripAggregatedAndInAGroup() throws Exception {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        assertThat(store.apply(Samples.of(MetricType.UNTYPED, "requests", 1027, "code", "200"), 0, 0, p))
                .isNull();
        assertThat(store.apply(Samples.of(MetricType.UNTYPED, "requests", -27, "code", "200"), 1, 0, p))
                .isNull();
        assertThat(store.applyGroup(
                                Map.of("job", "j"),
                                true,
                                List.of(Samples.of(MetricType.UNTYPED, "pushed", 5)),
                                1_000,
                                p)
                        .isWhole())
                .isTrue();
        CheckpointCodec.Segment full = CheckpointCodec.take(store, p, true);

        MetricStore restored = sharded(1);
        Partition q = restored.openPartition(0);
        CheckpointCodec.Loaded loaded = CheckpointCodec.load(restored, q, full.bytes());
        assertThat(loaded.refused()).isZero();
        assertThat(dump(restored)).isEqualTo(dump(store));
        assertThat(restored.family("requests").type()).isEqualTo(MetricType.UNTYPED);
        assertThat(restored.family("pushed").type()).isEqualTo(MetricType.UNTYPED);
        assertThat(value(restored, "requests", "code", "200")).isEqualTo(1000);
        restored.apply(Samples.of(MetricType.UNTYPED, "requests", 54, "code", "200"), 0, 0, q);
        assertThat(value(restored, "requests", "code", "200")).isEqualTo(1054); // and it adds on
        assertThat(restored.snapshot(restored.groups().iterator().next(), restored.family("pushed")))
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(5));
    }

    @Test
    void typeCodesInCheckpointsNeverChange() {
        // checkpoints written before UNTYPED existed hold codes 0 to 3: they must keep meaning the same types
        assertThat(MetricType.ofCheckpointCode(0)).isEqualTo(MetricType.COUNTER);
        assertThat(MetricType.ofCheckpointCode(1)).isEqualTo(MetricType.GAUGE);
        assertThat(MetricType.ofCheckpointCode(2)).isEqualTo(MetricType.HISTOGRAM);
        assertThat(MetricType.ofCheckpointCode(3)).isEqualTo(MetricType.SUMMARY);
        assertThat(MetricType.ofCheckpointCode(4)).isEqualTo(MetricType.UNTYPED);
        assertThat(MetricType.ofCheckpointCode(5)).isNull();
    }

    @Test
    void aSeriesReplacedByOneOfTheSameLabelsKeepsTheNewOne() throws Exception {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        store.applyGroup(Map.of("job", "j"), true, List.of(gauge("x", 1)), 1_000, p);
        CheckpointCodec.Segment first = CheckpointCodec.take(store, p, false);
        store.applyGroup(Map.of("job", "j"), true, List.of(gauge("x", 2)), 2_000, p); // replaces x{job="j"}
        CheckpointCodec.Segment second = CheckpointCodec.take(store, p, false);

        MetricStore restored = sharded(1);
        CheckpointCodec.load(restored, restored.openPartition(0), concat(first.bytes(), second.bytes()));
        assertThat(dump(restored)).isEqualTo(dump(store));
        assertThat(restored.groups()).hasSize(1);
        assertThat(restored.groups().iterator().next().pushTime()).isEqualTo(2.0);
    }

    @Test
    void partitionsAreCheckpointedApartAndAStrayMergesWithItsMainSeries() throws Exception {
        MetricStore store = sharded(2);
        Partition p0 = store.openPartition(0);
        Partition p1 = store.openPartition(1);
        store.apply(counter("c", 1, "k", "v"), 0, 0, p0);
        store.apply(counter("c", 2, "k", "v"), 0, 0, p1); // misrouted: a stray in partition 1
        store.apply(counter("d", 5), 0, 0, p1);
        assertThat(store.seriesCount()).isEqualTo(3);
        CheckpointCodec.Segment zero = CheckpointCodec.take(store, p0, false);
        CheckpointCodec.Segment one = CheckpointCodec.take(store, p1, false);
        assertThat(zero.series()).isEqualTo(1);
        assertThat(one.series()).isEqualTo(2);

        assertThat(store.dropPartition(p0)).isEqualTo(1);
        assertThat(store.seriesCount()).isEqualTo(2);
        store.apply(counter("c", 10, "k", "v"), 0, 0, p1); // the stray is found again, not doubled
        assertThat(store.seriesCount()).isEqualTo(2);

        Partition again = store.openPartition(0);
        CheckpointCodec.load(store, again, zero.bytes());
        assertThat(store.seriesCount()).isEqualTo(3);
        assertThat(store.snapshot(store.family("c")).stream()
                        .mapToDouble(SeriesSnapshot::value)
                        .sum())
                .isEqualTo(13);
    }

    @Test
    void droppingAPartitionForgetsItsSeriesGroupsAndEmptyFamilies() {
        MetricStore store = sharded(2);
        Partition p0 = store.openPartition(0);
        Partition p1 = store.openPartition(1);
        store.apply(counter("only_zero", 1), 0, 0, p0);
        store.apply(counter("both", 1, "s", "0"), 0, 0, p0);
        store.apply(counter("both", 1, "s", "1"), 0, 0, p1);
        store.applyGroup(Map.of("job", "j"), true, List.of(gauge("pushed", 1)), 1_000, p0);
        store.dropPartition(p0);
        assertThat(store.family("only_zero")).isNull();
        assertThat(store.family("pushed")).isNull();
        assertThat(store.groups()).isEmpty();
        assertThat(store.snapshot(store.family("both"))).hasSize(1);
        assertThat(store.seriesCount()).isEqualTo(1);
        assertThat(store.partition(0)).isNull();
    }

    @Test
    void aRestoredSeriesWhoseNameIsAnotherTypeHereIsRefusedAndCounted() throws Exception {
        MetricStore source = sharded(2);
        Partition s1 = source.openPartition(1);
        source.apply(counter("shared", 1), 0, 0, s1);
        byte[] bytes = CheckpointCodec.take(source, s1, true).bytes();

        MetricStore store = sharded(2);
        store.apply(gauge("shared", 1), 0, 0, store.openPartition(0));
        CheckpointCodec.Loaded loaded = CheckpointCodec.load(store, store.openPartition(1), bytes);
        assertThat(loaded.refused()).isEqualTo(1);
        assertThat(store.family("shared").type()).isEqualTo(MetricType.GAUGE);
    }

    @Test
    void damagedCheckpointsAreRecognised() {
        MetricStore store = sharded(1);
        Partition p = store.openPartition(0);
        fill(store, p);
        byte[] bytes = CheckpointCodec.take(store, p, true).bytes();

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x40;
        assertThatThrownBy(() -> CheckpointCodec.load(sharded(1), sharded(1).openPartition(0), flipped))
                .isInstanceOf(CorruptCheckpointException.class);
        MetricStore a = sharded(1);
        assertThatThrownBy(() -> CheckpointCodec.load(a, a.openPartition(0), Arrays.copyOf(bytes, bytes.length - 100)))
                .isInstanceOf(CorruptCheckpointException.class);
        MetricStore b = sharded(1);
        assertThatThrownBy(() -> CheckpointCodec.load(
                        b, b.openPartition(0), "hello, this is not a checkpoint".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptCheckpointException.class);
    }

    private static double value(MetricStore store, String family, String... labels) {
        return store.snapshot(store.family(family)).stream()
                .filter(s -> {
                    for (int i = 0; i < labels.length; i += 2) {
                        if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                            return false;
                        }
                    }
                    return true;
                })
                .findFirst()
                .orElseThrow()
                .value();
    }
}
