package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.StoreSettings;
import io.promstream.testing.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gzip scrape, joined from kept segments, inflates to exactly what rendering everything afresh gives, after
 * every kind of change a scrape can show.
 */
class GzipExpositionTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 2);
    private final Partition first = store.openPartition(0);
    private final Partition second = store.openPartition(1);
    private final CollectorRegistry meta = new CollectorRegistry();
    private final Counter scrapes = Counter.build("meta_scrapes_total", "Meta.").register(meta);
    private final StoreCollector collector = new StoreCollector(store, CollectTimer.NONE);
    /** Helpers that compress beside the scrape's thread, as the gateway's. */
    private final ExecutorService helpers = Executors.newFixedThreadPool(2);

    private final GzipExposition gzip = new GzipExposition(meta, collector, 1, helpers, 2);

    GzipExpositionTest() {
        first.visibleUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        second.visibleUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
    }

    @AfterEach
    void stopHelpers() {
        helpers.shutdownNow();
    }

    private void apply(Partition partition, Sample sample) {
        sample.canonicalizeLabels();
        assertThat(store.apply(sample, 0, clock.millis(), partition)).isNull();
    }

    private static Sample counter(String name, double value, String... labels) {
        Sample s = new Sample().type(MetricType.COUNTER).name(name).value(value);
        for (int i = 0; i < labels.length; i += 2) {
            s.label(labels[i], labels[i + 1]);
        }
        return s;
    }

    private byte[] gzipped(boolean openMetrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        gzip.write(openMetrics, out);
        return out.toByteArray();
    }

    private static String inflate(byte[] gzipped) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) { // checks CRC and size
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The meta metrics and the store rendered afresh. The text format writes a family's {@code _created} samples
     * after the families of the same call, so in a joined scrape the meta metrics' come before the store's.
     */
    private String afresh(boolean openMetrics) throws Exception {
        StringWriter out = new StringWriter();
        if (openMetrics) {
            List<MetricFamilySamples> families = new ArrayList<>(Collections.list(meta.metricFamilySamples()));
            families.addAll(collector.collect());
            ExpositionServlet.write(TextFormat.CONTENT_TYPE_OPENMETRICS_100, out, families);
        } else {
            ExpositionServlet.write(TextFormat.CONTENT_TYPE_004, out, Collections.list(meta.metricFamilySamples()));
            ExpositionServlet.write(TextFormat.CONTENT_TYPE_004, out, collector.collect());
        }
        return out.toString();
    }

    /**
     * Both formats, twice each (the second from kept segments), against a rendering afresh: the same lines in the
     * same order, but for the order of the samples within a family (a large family is kept in chunks).
     */
    private void assertScrapesMatch(String step) throws Exception {
        for (boolean om : new boolean[] {false, true}) {
            String expected = normalized(afresh(om));
            assertThat(normalized(inflate(gzipped(om))))
                    .as(step + (om ? ", OpenMetrics" : ", text"))
                    .isEqualTo(expected);
            assertThat(normalized(inflate(gzipped(om))))
                    .as(step + " again" + (om ? ", OpenMetrics" : ", text"))
                    .isEqualTo(expected);
        }
    }

    /** The exposition with each run of sample lines (between comment lines) sorted. */
    static String normalized(String exposition) {
        StringBuilder out = new StringBuilder();
        List<String> run = new ArrayList<>();
        for (String line : exposition.split("\n", -1)) {
            if (line.startsWith("#") || line.isEmpty()) {
                Collections.sort(run);
                run.forEach(l -> out.append(l).append('\n'));
                run.clear();
                out.append(line).append('\n');
            } else {
                run.add(line);
            }
        }
        Collections.sort(run);
        run.forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    @Test
    void everyChangeShowsInTheNextGzipScrape() throws Exception {
        assertScrapesMatch("empty store");
        apply(first, counter("jobs", 1, "queue", "mail").help("Jobs."));
        apply(second, counter("jobs", 2, "queue", "sms"));
        apply(first, new Sample().type(MetricType.GAUGE).name("temp").value(-3.5));
        assertScrapesMatch("two families");
        assertThat(afresh(true)).contains("jobs_total{queue=\"sms\"} 2.0");

        apply(second, counter("jobs", 5, "queue", "sms"));
        assertScrapesMatch("a value changed");
        assertThat(afresh(false)).contains("jobs_total{queue=\"sms\",} 7.0");

        apply(first, counter("jobs", 1, "queue", "push"));
        assertScrapesMatch("a series added");

        apply(first, counter("apples", 1));
        apply(first, counter("zebras", 1));
        assertScrapesMatch("families added before and after");

        apply(first, new Sample().type(MetricType.GAUGE).name("temp").value(4).help("Temperature."));
        assertScrapesMatch("help arrived");

        apply(
                first,
                new Sample().type(MetricType.HISTOGRAM).name("lat").value(-1).buckets(-2, 0, 1));
        assertScrapesMatch("a histogram OpenMetrics shows without its sum");

        scrapes.inc();
        assertScrapesMatch("a meta metric changed");

        assertThat(store.remove(f -> f.name().equals("jobs"), l -> l.values().contains("push"), Long.MAX_VALUE))
                .isEqualTo(1);
        assertScrapesMatch("a series removed");

        second.visibleUntil(System.nanoTime() - 1);
        assertScrapesMatch("a partition hidden");
        assertThat(afresh(false)).doesNotContain("sms");
        second.visibleUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        assertScrapesMatch("the partition shown again");
        assertThat(afresh(false)).contains("sms");

        store.dropPartition(second);
        assertScrapesMatch("a partition dropped");
        assertThat(store.remove(f -> true, l -> true, Long.MAX_VALUE)).isPositive();
        assertScrapesMatch("everything removed");
    }

    /** How many chunks a scrape splits the family into now. */
    private int chunks(String family) {
        return store.snapshot(store.family(family), System.nanoTime(), null, null)
                .chunks();
    }

    @Test
    void aLargeFamilyIsKeptInChunksAndEveryChangeShows() throws Exception {
        for (int i = 0; i < 5000; i++) {
            apply(i % 2 == 0 ? first : second, counter("big", 1, "n", Integer.toString(i)));
        }
        apply(first, counter("after", 1));
        assertThat(chunks("big")).isEqualTo(4);
        assertScrapesMatch("5,000 series in 4 chunks");
        long kept = gzip.cachedBytes();

        apply(second, counter("big", 5, "n", "17"));
        assertScrapesMatch("one series of one chunk changed");
        assertThat(afresh(false)).contains("big_total{n=\"17\",} 6.0");

        apply(first, counter("big", 1, "n", "new"));
        assertScrapesMatch("a series added");
        assertThat(store.remove(f -> f.name().equals("big"), l -> l.values().contains("42"), Long.MAX_VALUE))
                .isEqualTo(1);
        assertScrapesMatch("a series removed");

        second.visibleUntil(System.nanoTime() - 1);
        assertScrapesMatch("half the series hidden");
        second.visibleUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        assertScrapesMatch("shown again");

        apply(first, counter("big", 1, "n", "x").help("Big."));
        assertScrapesMatch("help arrived");

        for (int i = 5000; i < 9000; i++) {
            apply(first, counter("big", 1, "n", Integer.toString(i)));
        }
        assertThat(chunks("big")).isEqualTo(8);
        assertScrapesMatch("grown to 8 chunks");
        assertThat(gzip.cachedBytes()).isGreaterThan(kept);

        store.dropPartition(second);
        assertScrapesMatch("a partition dropped");
        assertThat(store.remove(f -> f.name().equals("big"), l -> true, Long.MAX_VALUE))
                .isPositive();
        assertScrapesMatch("the family emptied");
        assertThat(afresh(false)).doesNotContain("big");
    }

    @Test
    void aChunkKeepsItsLabelsWhileItsSeriesStayAndRendersThemAgainWhenTheyChange() throws Exception {
        for (int i = 0; i < 5000; i++) {
            apply(i % 2 == 0 ? first : second, counter("big", 1, "n", "v\\\"\n" + i, "a", "\u00e9\ud83d\ude00"));
        }
        assertScrapesMatch("5,000 series with escaped and non-ASCII values");
        long labels = gzip.cachedLabelBytes();
        assertThat(labels).isPositive();

        for (int i = 0; i < 5000; i++) {
            apply(i % 2 == 0 ? first : second, counter("big", 2, "n", "v\\\"\n" + i, "a", "\u00e9\ud83d\ude00"));
        }
        assertScrapesMatch("every value changed");
        assertThat(gzip.cachedLabelBytes()).as("the same labels, kept").isEqualTo(labels);

        assertThat(store.remove(f -> f.name().equals("big"), l -> l.get("n").endsWith("\n7"), Long.MAX_VALUE))
                .isEqualTo(1);
        apply(second, counter("big", 1, "n", "v\\\"\n7", "a", "\u00e9\ud83d\ude00"));
        assertScrapesMatch("a series removed and made again with the same labels");
        apply(first, counter("big", 1, "n", "longer than any other value of the family"));
        assertScrapesMatch("a series added");

        for (String name : new String[] {"x", "y", "z"}) {
            apply(first, counter("small", 1, "n", name));
        }
        assertScrapesMatch("a family of one chunk");
        assertThat(store.remove(f -> f.name().equals("small"), l -> l.has("n", "y"), Long.MAX_VALUE))
                .isEqualTo(1);
        apply(first, counter("small", 1, "n", "w"));
        assertScrapesMatch("as many series, one of them another");
        assertThat(gzip.cachedLabelBytes()).isGreaterThan(labels);

        store.remove(f -> true, l -> true, Long.MAX_VALUE);
        assertScrapesMatch("the families gone");
        assertThat(gzip.cachedLabelBytes()).isZero();
    }

    @Test
    void aLargeFamilyScrapedWhileItChangesEndsExact() throws Exception {
        raceScrapesWithIngestion(6000, 100);
    }

    @Test
    void keptSegmentsAreReusedAndForgottenWithTheirFamilies() throws Exception {
        for (int i = 0; i < 1000; i++) {
            apply(first, counter("big", 1, "n", Integer.toString(i)));
        }
        byte[] once = gzipped(false);
        long kept = gzip.cachedBytes();
        assertThat(kept).isPositive();
        assertThat(gzipped(false)).isEqualTo(once); // nothing changed: the same bytes, from the kept segment
        assertThat(gzip.cachedBytes()).isEqualTo(kept);

        store.remove(f -> true, l -> true, Long.MAX_VALUE);
        gzipped(false);
        assertThat(gzip.cachedBytes()).isLessThan(kept);
    }

    @Test
    void scrapesRacingIngestionNeverKeepAStaleFamily() throws Exception {
        raceScrapesWithIngestion(50, 200);
    }

    /** Scrapes while a writer feeds {@code series} series of one family, then one exact scrape after it stopped. */
    private void raceScrapesWithIngestion(int series, int scrapes) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                Sample s = counter("racing", 1, "n", Integer.toString(i % series));
                s.canonicalizeLabels();
                store.apply(s, 0, clock.millis(), i % 2 == 0 ? first : second);
            }
        });
        writer.start();
        try {
            for (int i = 0; i < scrapes; i++) {
                inflate(gzipped(i % 2 == 0));
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertScrapesMatch("after the race");
    }
}
