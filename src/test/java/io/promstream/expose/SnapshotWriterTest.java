package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.store.Family;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The writers of the exposition give byte for byte what simpleclient's {@code TextFormat} gives for
 * {@link StoreCollector}'s families (fitted by {@link OpenMetricsFit} for OpenMetrics), on random stores: every
 * type, labels and help texts that need escaping, negative bounds and sums, NaN and infinities, integral values
 * near the writer's fast path's edges, series of one label set on two partitions, Pushgateway groups with and
 * without an instance (an empty label value).
 */
class SnapshotWriterTest {
    private static final int STORES = Integer.getInteger("snapshotWriter.stores", 300);
    private static final String[] ODD = {
        "", "a\"b", "back\\slash", "new\nline", "ünï", "日本", "😀", "\uD800", "<script>", "x,y}", "=\"",
    };
    private static final double[] VALUES = {
        0,
        -0.0,
        1,
        -1,
        0.5,
        9_999_999,
        10_000_000,
        -9_999_999,
        -10_000_000,
        1e7 + 0.5,
        123456789012.0,
        1e-4,
        1e21,
        Double.MAX_VALUE,
        Double.MIN_VALUE,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        42,
        3.25,
    };

    @Test
    void writesWhatTextFormatWritesForTheCollectorOnRandomStores() throws Exception {
        long seed = Long.getLong("snapshotWriter.seed", new Random().nextLong());
        Random seeds = new Random(seed);
        Set<String> infiniteUntyped = new HashSet<>();
        for (int i = 0; i < STORES; i++) {
            long storeSeed = seeds.nextLong();
            MetricStore store = randomStore(new Random(storeSeed));
            for (Family family : store.families()) {
                if (family.type() == MetricType.UNTYPED) {
                    store.snapshot(family).forEach(s -> infiniteUntyped.add(Double.toString(s.value())));
                }
            }
            StoreCollector collector = new StoreCollector(store, CollectTimer.NONE);
            for (boolean om : new boolean[] {false, true}) {
                assertThat(direct(collector, om))
                        .as(
                                "store seed %d (-DsnapshotWriter.seed=%d), %s",
                                storeSeed, seed, om ? "OpenMetrics" : "text")
                        .isEqualTo(viaTextFormat(collector, om));
            }
        }
        assertThat(infiniteUntyped)
                .as("untyped families were written, infinite values among them (seed %d)", seed)
                .contains("Infinity", "-Infinity");
    }

    @Test
    void writesLongsAsLongToString() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v = i < 100 ? i - 50 : random.nextLong() >> random.nextInt(64);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (Utf8Writer out = new Utf8Writer(bytes, 64)) {
                out.write("x");
                out.writeLong(v);
                out.writeLong(Long.MIN_VALUE);
            }
            assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("x" + v + Long.MIN_VALUE);
        }
    }

    private static String viaTextFormat(StoreCollector collector, boolean om) throws Exception {
        StringWriter out = new StringWriter();
        ExpositionServlet.write(
                om ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004, out, collector.collect());
        // the bytes a servlet's UTF-8 writer sends (an unpaired surrogate becomes '?'), read back
        return new String(out.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static String direct(StoreCollector collector, boolean om) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Utf8Writer out = new Utf8Writer(bytes, 97)) { // a small buffer: drained mid-line, mid-character
            collector.write(SnapshotWriter.of(om), out, f -> true);
            if (om) {
                out.write("# EOF\n");
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A random store: every type, odd labels and help texts, extreme values, series on two partitions. */
    static MetricStore randomStore(Random random) {
        ManualClock clock = new ManualClock();
        MetricStore store = new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 2);
        Partition[] partitions = {store.openPartition(0), store.openPartition(1)};
        for (Partition p : partitions) {
            p.visibleUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        }
        int families = 1 + random.nextInt(6);
        for (int f = 0; f < families; f++) {
            MetricType type = MetricType.values()[random.nextInt(MetricType.values().length)];
            String name = "f" + f + "_" + type.name().toLowerCase(Locale.ROOT);
            String help = random.nextInt(3) == 0 ? null : "help " + ODD[random.nextInt(ODD.length)];
            double[] bounds = bounds(random);
            int samples = random.nextInt(12);
            for (int i = 0; i < samples; i++) {
                Sample s =
                        new Sample().type(type).name(name).value(value(random)).help(help);
                int labels = random.nextInt(3);
                for (int l = 0; l < labels; l++) {
                    s.label("l" + l, random.nextBoolean() ? "v" + random.nextInt(3) : ODD[random.nextInt(ODD.length)]);
                }
                if (type == MetricType.HISTOGRAM) {
                    s.buckets(bounds);
                } else if (type == MetricType.SUMMARY) {
                    s.quantiles(new double[] {0.5, 0.9, 0.99}, new double[] {0.05, 0.01, 0.001});
                }
                s.canonicalizeLabels();
                store.apply(s, i, clock.millis(), partitions[random.nextInt(2)]); // a refusal is part of the game
            }
        }
        if (random.nextBoolean()) { // a Pushgateway group: without an instance its series show instance=""
            Map<String, String> grouping = new HashMap<>(Map.of("job", "j" + random.nextInt(2)));
            if (random.nextBoolean()) {
                grouping.put("instance", ODD[1 + random.nextInt(ODD.length - 1)]);
            }
            Sample s = new Sample().type(MetricType.GAUGE).name("pushed").value(value(random));
            if (random.nextBoolean()) {
                s.label("l0", "v" + random.nextInt(3));
            }
            s.canonicalizeLabels();
            store.applyGroup(grouping, true, List.of(s), clock.millis(), partitions[random.nextInt(2)]);
        }
        return store;
    }

    private static double value(Random random) {
        return random.nextInt(4) == 0 ? VALUES[random.nextInt(VALUES.length)] : random.nextInt(1000) - 300;
    }

    private static double[] bounds(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> new double[] {-1, 0, 2.5};
            case 1 -> new double[] {-0.0, 1};
            case 2 -> new double[] {0.005, 0.1, 1, 10_000_000};
            default -> new double[] {1};
        };
    }
}
