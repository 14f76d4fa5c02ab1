package io.promstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.store.CheckpointCodec;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make bench}: 1,000,000 active series (counters with three labels): heap per series, and the time
 * to save and restore them, next to writing and reading the same number of bytes raw in the same run.
 */
@Tag("bench")
class StoreBenchmark {
    private static final int SERIES = Integer.getInteger("bench.series", 1_000_000);

    @TempDir
    Path dir;

    @Test
    void aMillionSeries() throws Exception {
        long heapBefore = usedHeapAfterGc();
        MetricStore store = new MetricStore(new StoreSettings(SERIES, 600_000, 5), InstantSource.system());
        Sample sample = new Sample();
        for (int i = 0; i < SERIES; i++) {
            sample.clear()
                    .type(MetricType.COUNTER)
                    .name("requests_total")
                    .value(1)
                    .label("service", "svc-" + (i % 100))
                    .label("route", "/api/v1/items/" + (i / 100 % 1000))
                    .label("instance", "10.0." + (i / 100_000) + "." + (i % 251));
            sample.canonicalizeLabels();
            store.apply(sample, 0, 0, store.partition(0));
        }
        assertThat(store.seriesCount()).isEqualTo(SERIES);
        long heap = usedHeapAfterGc() - heapBefore;

        Path file = dir.resolve("state.bin");
        long t0 = System.nanoTime();
        CheckpointCodec.Segment saved = CheckpointCodec.take(store, store.partition(0), true);
        long saveNanos = System.nanoTime() - t0;
        Files.write(file, saved.bytes());
        int savedBytes = saved.bytes().length;
        saved = null;
        long settled = usedHeapAfterGc() - heapBefore; // what a running gateway holds: its checkpoint took the changes

        byte[] raw = new byte[savedBytes];
        Path rawFile = dir.resolve("raw.bin");
        t0 = System.nanoTime();
        try (var channel = FileChannel.open(rawFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(raw));
            channel.force(true);
        }
        long rawWriteNanos = System.nanoTime() - t0;

        store = null; // restore as a fresh process would: the saved store is gone (and 1 GiB of heap must do)
        MetricStore restored = new MetricStore(new StoreSettings(SERIES, 600_000, 5), InstantSource.system());
        t0 = System.nanoTime();
        CheckpointCodec.Loaded loaded = CheckpointCodec.load(restored, restored.partition(0), Files.readAllBytes(file));
        long loadNanos = System.nanoTime() - t0;
        t0 = System.nanoTime();
        byte[] read = Files.readAllBytes(rawFile);
        long rawReadNanos = System.nanoTime() - t0;
        assertThat(read).hasSize(raw.length);
        assertThat(loaded.series()).isEqualTo(SERIES);
        assertThat(restored.seriesCount()).isEqualTo(SERIES);

        System.out.printf(
                "BENCH store: %,d series use %,d bytes of heap (%,d bytes/series; %.0f%% of the 1 GiB goal) "
                        + "once a checkpoint has taken their changes; %,d bytes/series while all of them are queued "
                        + "as changed%n",
                SERIES, settled, settled / SERIES, settled * 100.0 / (1L << 30), heap / SERIES);
        System.out.printf(
                "BENCH checkpoint (in memory, full): capture %,d ms, load %,d ms, %,d bytes; raw write+fsync of as many bytes "
                        + "%,d ms (save ratio %.1f), raw read %,d ms (restore ratio %.1f)%n",
                saveNanos / 1_000_000,
                loadNanos / 1_000_000,
                savedBytes,
                rawWriteNanos / 1_000_000,
                (double) saveNanos / rawWriteNanos,
                rawReadNanos / 1_000_000,
                (double) loadNanos / rawReadNanos);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
