package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static io.promstream.store.Samples.gauge;
import static io.promstream.store.Samples.gaugeOp;
import static io.promstream.store.Samples.histogram;
import static io.promstream.store.Samples.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.promstream.parse.GaugeOp;
import io.promstream.parse.Sample;
import io.promstream.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFileTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private MetricStore filled() {
        MetricStore store = new MetricStore(StoreSettings.defaults(), clock);
        List<Sample> samples = List.of(
                counter("jobs", 2, "queue", "mail", "zone", "é\"\n").help("Jobs done."),
                counter("jobs_total", 3, "queue", "sms"),
                gauge("temp", 21.5).timestamp(5_000),
                gaugeOp("inflight", GaugeOp.INC, 4),
                histogram("lat", 0.3).buckets(0.1, 1),
                histogram("lat", 7).buckets(0.1, 1),
                histogram("size", 0.02));
        samples.forEach(s -> assertThat(store.apply(s, 0, clock.millis())).isNull());
        for (int i = 1; i <= 500; i++) {
            store.apply(summary("rt", i, "path", "/"), 0, clock.millis());
        }
        return store;
    }

    private static String dump(MetricStore store) {
        return store.families().stream().sorted(Comparator.comparing(Family::name))
                .map(f -> f.name() + ":" + f.type() + ":" + f.help() + store.snapshot(f).stream()
                        .map(s -> s.labels() + "=" + s.value() + "," + java.util.Arrays.toString(s.bounds())
                                + java.util.Arrays.toString(s.counts()) + java.util.Arrays.toString(s.quantileValues())
                                + s.sum() + "," + s.count())
                        .sorted().collect(Collectors.joining(";")))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void everyTypeSurvivesASaveAndALoad() throws Exception {
        MetricStore store = filled();
        Path file = dir.resolve("state.bin");
        StoreFile.Stats saved = StoreFile.save(store, file);
        assertThat(saved.series()).isEqualTo(store.seriesCount());
        assertThat(Files.exists(dir.resolve("state.bin.tmp"))).isFalse();

        MetricStore restored = new MetricStore(StoreSettings.defaults(), clock);
        StoreFile.Stats loaded = StoreFile.load(restored, file);
        assertThat(loaded.series()).isEqualTo(saved.series());
        assertThat(restored.seriesCount()).isEqualTo(store.seriesCount());
        assertThat(dump(restored)).isEqualTo(dump(store));

        // restored state keeps aggregating: counters add, a new set beats the restored value, an older
        // sender timestamp still loses, and the summary's window carries on
        restored.apply(counter("jobs_total", 1, "queue", "sms"), 0, clock.millis());
        restored.apply(gauge("temp", 1).timestamp(4_000), 0, clock.millis());
        restored.apply(summary("rt", 1000, "path", "/"), 0, clock.millis());
        SeriesSnapshot sms = restored.snapshot(restored.family("jobs")).stream()
                .filter(s -> "sms".equals(s.labels().get("queue"))).findFirst().orElseThrow();
        assertThat(sms.value()).isEqualTo(4);
        assertThat(restored.snapshot(restored.family("temp")).get(0).value()).isEqualTo(21.5);
        assertThat(restored.snapshot(restored.family("rt")).get(0).count()).isEqualTo(501);
        restored.apply(gauge("temp", 9), 1, clock.millis());
        assertThat(restored.snapshot(restored.family("temp")).get(0).value()).isEqualTo(9);
    }

    @Test
    void damagedFilesAreRecognised() throws Exception {
        Path file = dir.resolve("state.bin");
        StoreFile.save(filled(), file);
        byte[] bytes = Files.readAllBytes(file);

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x40;
        Files.write(file, flipped);
        assertThatThrownBy(() -> StoreFile.load(new MetricStore(StoreSettings.defaults(), clock), file))
                .isInstanceOf(StoreFile.CorruptException.class).hasMessageContaining("checksum");

        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> StoreFile.load(new MetricStore(StoreSettings.defaults(), clock), file))
                .isInstanceOf(StoreFile.CorruptException.class);

        Files.writeString(file, "hello, this is not a snapshot at all");
        assertThatThrownBy(() -> StoreFile.load(new MetricStore(StoreSettings.defaults(), clock), file))
                .isInstanceOf(StoreFile.CorruptException.class);
    }

    @Test
    void anUnreadableSnapshotIsMovedAsideAndTheStoreStartsEmpty() throws Exception {
        Path file = dir.resolve("state.bin");
        Files.writeString(file, "garbage garbage garbage");
        MetricStore store = new MetricStore(StoreSettings.defaults(), clock);
        StoreSnapshots snapshots = new StoreSnapshots(store, file, clock, Gauge.build("a", "a").create(),
                Gauge.build("b", "b").create(), Counter.build("c", "c").create());
        snapshots.restore();
        assertThat(store.seriesCount()).isZero();
        assertThat(Files.exists(file)).isFalse();
        try (var files = Files.list(dir)) {
            List<Path> aside = files.toList();
            assertThat(aside).hasSize(1);
            assertThat(aside.get(0).getFileName().toString()).startsWith("state.bin.unreadable-");
            assertThat(Files.readString(aside.get(0))).isEqualTo("garbage garbage garbage");
        }
        store.apply(counter("x", 1), 0, 0);
        snapshots.run();
        assertThat(StoreFile.load(new MetricStore(StoreSettings.defaults(), clock), file).series()).isEqualTo(1);
    }
}
