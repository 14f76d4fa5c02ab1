package io.promstream.store;

import static io.promstream.store.CheckpointCodecTest.dump;
import static io.promstream.store.Samples.counter;
import static io.promstream.store.Samples.gauge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promstream.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** A checkpoint writes a series' labels once, under a number, then the number alone ({@link CheckpointIds}). */
class CheckpointIdsTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = store();
    private final Partition p = store.openPartition(0);

    private MetricStore store() {
        return new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 1);
    }

    private static byte[] concat(List<byte[]> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        segments.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private MetricStore loaded(List<byte[]> segments) throws Exception {
        MetricStore restored = store();
        CheckpointCodec.load(restored, restored.openPartition(0), concat(segments));
        return restored;
    }

    /** One sample of {@code value} for each of the counters {@code a{k="<key>"}}. */
    private static void count(MetricStore store, Partition p, double value, String... keys) {
        for (String key : keys) {
            store.apply(counter("a", value, "k", key), 0, 0, p);
        }
    }

    private static boolean holds(byte[] segment, String text) {
        return new String(segment, StandardCharsets.ISO_8859_1).contains(text);
    }

    @Test
    void aSeriesIsWrittenWithItsLabelsOnceThenByItsNumberAlone() throws Exception {
        for (int i = 0; i < 100; i++) {
            store.apply(counter("requests", 1, "route", "/api/route-number-" + i), 0, 0, p);
        }
        byte[] first = CheckpointCodec.take(store, p, false).bytes();
        for (int i = 0; i < 100; i++) {
            store.apply(counter("requests", 2, "route", "/api/route-number-" + i), 0, 0, p);
        }
        store.apply(gauge("fresh", 3, "k", "new-label-value"), 0, 0, p);
        CheckpointCodec.Segment second = CheckpointCodec.take(store, p, false);

        assertThat(second.series()).isEqualTo(101);
        assertThat(holds(first, "/api/route-number-7")).isTrue();
        assertThat(holds(second.bytes(), "/api/route-number-7")).isFalse();
        assertThat(holds(second.bytes(), "new-label-value")).isTrue();
        assertThat(second.bytes().length).isLessThan(first.length / 2);
        MetricStore restored = loaded(List.of(first, second.bytes()));
        assertThat(dump(restored)).isEqualTo(dump(store));
    }

    @Test
    void numbersGivenInASegmentThatIsNotCommittedAreTakenBack() throws Exception {
        count(store, p, 1, "first-series");
        byte[] first = CheckpointCodec.take(store, p, false).bytes();
        count(store, p, 1, "first-series", "second-series");
        CheckpointCodec.take(store, p, false).abandon(); // numbered second-series, never committed
        count(store, p, 1, "third-series");
        byte[] next = CheckpointCodec.take(store, p, false).bytes();

        assertThat(holds(next, "first-series")).isFalse();
        assertThat(holds(next, "second-series")).isTrue();
        assertThat(dump(loaded(List.of(first, next)))).isEqualTo(dump(store));
    }

    @Test
    void aFullSegmentThatIsNotCommittedLeavesNoNumberTrustedUntilTheNextFullOne() throws Exception {
        count(store, p, 1, "one", "two");
        CheckpointCodec.take(store, p, false);
        count(store, p, 1, "zero"); // a full segment numbers in another order
        CheckpointCodec.take(store, p, true).abandon();
        count(store, p, 5, "two");
        // Checkpoints follow a full segment that is not committed with a full one; were it not, no number of the
        // abandoned one is written alone
        assertThat(holds(CheckpointCodec.take(store, p, false).bytes(), "two")).isTrue();

        byte[] full = CheckpointCodec.take(store, p, true).bytes();
        count(store, p, 5, "two");
        byte[] after = CheckpointCodec.take(store, p, false).bytes();
        assertThat(holds(after, "two")).isFalse();
        assertThat(dump(loaded(List.of(full, after)))).isEqualTo(dump(store));
    }

    @Test
    void aLoadedPartitionGoesOnWithTheNumbersOfItsCheckpoint() throws Exception {
        count(store, p, 1, "kept-one", "kept-two");
        List<byte[]> segments =
                new ArrayList<>(List.of(CheckpointCodec.take(store, p, false).bytes()));
        count(store, p, 1, "kept-one", "kept-three");
        segments.add(CheckpointCodec.take(store, p, false).bytes());

        MetricStore takeover = loaded(segments);
        Partition q = takeover.partition(0);
        takeover.apply(counter("a", 10, "k", "kept-one"), 0, 0, q);
        takeover.apply(counter("a", 10, "k", "kept-three"), 0, 0, q);
        takeover.apply(counter("a", 10, "k", "kept-four"), 0, 0, q);
        byte[] third = CheckpointCodec.take(takeover, q, false).bytes();
        segments.add(third);

        assertThat(holds(third, "kept-one")).isFalse();
        assertThat(holds(third, "kept-three")).isFalse();
        assertThat(holds(third, "kept-four")).isTrue();
        assertThat(dump(loaded(segments))).isEqualTo(dump(takeover));
    }

    @Test
    void segmentsWrittenBeforeNumbersAreReadAndTheirSeriesNumberedNext() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(CheckpointCodec.MAGIC);
        out.writeInt(CheckpointCodec.FORMAT);
        out.writeBoolean(true);
        out.writeByte(CheckpointCodec.FAMILY);
        out.writeInt(0);
        SeriesCodec.writeString(out, "old");
        out.writeByte(0); // a counter
        SeriesCodec.writeString(out, "");
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        DataOutputStream series = new DataOutputStream(record);
        SeriesCodec.writeLabels(series, LabelSet.of(Map.of("k", "written-before")));
        series.writeByte(SeriesCodec.AGGREGATED);
        series.writeLong(1_000);
        series.writeDouble(42);
        out.writeByte(CheckpointCodec.SERIES);
        out.writeInt(0);
        out.writeInt(record.size());
        out.write(record.toByteArray());
        out.writeByte(CheckpointCodec.END);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        byte[] old = bytes.toByteArray();

        MetricStore takeover = loaded(List.of(old));
        Partition q = takeover.partition(0);
        assertThat(dump(takeover)).contains("42.0");
        takeover.apply(counter("old", 1, "k", "written-before"), 0, 0, q);
        byte[] next = CheckpointCodec.take(takeover, q, false).bytes();
        assertThat(holds(next, "written-before")).isTrue();
        assertThat(dump(loaded(List.of(old, next)))).isEqualTo(dump(takeover)).contains("43.0");
    }

    @Test
    void aRecordByANumberNoSegmentBeforeItGaveIsDamage() throws Exception {
        store.apply(counter("a", 1), 0, 0, p);
        CheckpointCodec.take(store, p, false);
        store.apply(counter("a", 1), 0, 0, p);
        byte[] byNumber = CheckpointCodec.take(store, p, false).bytes();

        assertThatThrownBy(() -> loaded(List.of(byNumber)))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("undefined series 1");
    }

    /**
     * Random changes, removals, full and incremental segments, some not committed, and takeovers that load what
     * was committed and go on from it: every load of the committed segments gives what the store holds.
     */
    @Test
    void randomHistoriesLoadToWhatTheStoreHolds() throws Exception {
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            MetricStore store = store();
            Partition p = store.openPartition(0); // this history's own
            List<byte[]> committed = new ArrayList<>();
            boolean needFull = false;
            for (int step = 0; step < 60; step++) {
                int changes = random.nextInt(6);
                for (int i = 0; i < changes; i++) {
                    int n = random.nextInt(12);
                    store.apply(counter("c" + n % 3, 1 + random.nextInt(3), "k", "v" + n), 0, 0, p);
                }
                if (random.nextInt(8) == 0) {
                    String victim = "v" + random.nextInt(12);
                    store.remove(f -> true, l -> victim.equals(l.get("k")), Long.MAX_VALUE);
                }
                boolean full = needFull || random.nextInt(10) == 0;
                CheckpointCodec.Segment segment = CheckpointCodec.take(store, p, full);
                if (random.nextInt(5) == 0) {
                    segment.abandon();
                    needFull |= full;
                } else {
                    if (full) {
                        committed.clear();
                    }
                    committed.add(segment.bytes());
                    needFull = false;
                    assertThat(dump(loaded(committed)))
                            .as("seed %d, step %d", seed, step)
                            .isEqualTo(dump(store));
                }
                if (random.nextInt(15) == 0) { // a takeover: the next holder loads what was committed
                    store = loaded(committed);
                    p = store.partition(0);
                    needFull = false;
                }
            }
        }
    }
}
