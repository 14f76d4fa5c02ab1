package io.promstream.expose;

import io.prometheus.client.Collector;
import io.promstream.store.Family;
import io.promstream.store.LabelSet;
import io.promstream.store.MetricStore;
import io.promstream.store.SeriesSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Renders the store as one {@link MetricFamilySamples} per family, families sorted by name. Each series is
 * copied under its own monitor, so a scrape never holds more than one series' lock at a time and never
 * stops ingestion. Describable with an empty description because its set of metrics changes over time.
 */
public final class StoreCollector extends Collector implements Collector.Describable {
    static final String DEFAULT_HELP = "Aggregated by prom-stream-gateway.";

    private final MetricStore store;
    private final CollectTimer timer;
    private final boolean nativeAsClassic;

    public StoreCollector(MetricStore store, CollectTimer timer) {
        this(store, timer, true);
    }

    /**
     * @param nativeAsClassic whether the text formats show native histograms as classic ones (their buckets' bounds
     *                        as {@code le}) or leave them out ({@code nativeHistograms.classicFallback})
     */
    public StoreCollector(MetricStore store, CollectTimer timer, boolean nativeAsClassic) {
        this.store = store;
        this.timer = timer;
        this.nativeAsClassic = nativeAsClassic;
    }

    /** Whether the text formats show this series (a native histogram only as a classic one, when configured so). */
    private boolean showsInText(SeriesSnapshot s) {
        return nativeAsClassic || s.nativeHistogram() == null;
    }

    /** The series of {@code exposed} the text formats show: {@code exposed} itself when they show all. */
    List<SeriesSnapshot> inText(List<SeriesSnapshot> exposed) {
        if (nativeAsClassic || exposed.stream().allMatch(this::showsInText)) {
            return exposed;
        }
        List<SeriesSnapshot> shown = new ArrayList<>(exposed.size());
        for (SeriesSnapshot s : exposed) {
            if (showsInText(s)) {
                shown.add(s);
            }
        }
        return shown;
    }

    @Override
    public List<MetricFamilySamples> describe() {
        return List.of();
    }

    @Override
    public List<MetricFamilySamples> collect() {
        long started = System.nanoTime();
        List<Family> families = sortedFamilies();
        List<MetricFamilySamples> out = new ArrayList<>(families.size());
        long now = System.nanoTime();
        for (Family family : families) {
            MetricFamilySamples samples = render(family, now);
            if (samples != null) {
                out.add(samples);
            }
        }
        timer.record(System.nanoTime() - started);
        return out;
    }

    /** The store's families, sorted by name: the order a scrape shows them in. */
    List<Family> sortedFamilies() {
        List<Family> families = new ArrayList<>(store.families());
        families.sort(Comparator.comparing(Family::name));
        return families;
    }

    /** What a scrape at {@code nowNanos} shows of the family, or {@code null} when none of its series is visible. */
    MetricFamilySamples render(Family family, long nowNanos) {
        List<SeriesSnapshot> series = inText(store.exposed(family, nowNanos));
        return series.isEmpty() ? null : toFamilySamples(family, series);
    }

    /**
     * Writes the families {@code wanted} keeps straight from their snapshots, as {@link #collect} and simpleclient's
     * {@code TextFormat} would render them ({@link SnapshotWriter}).
     */
    void write(SnapshotWriter format, Utf8Writer out, Predicate<Family> wanted) throws IOException {
        each(wanted, true, (family, series) -> {
            format.header(family, out);
            format.all(family.type(), family.name(), series, null, out);
        });
    }

    /**
     * Hands each family {@code wanted} keeps that has a visible series to {@code renderer}, sorted by name, with
     * the series a scrape now shows of it ({@code text}: in a text format, see {@link #showsInText}); the time it
     * all took is the collection's.
     */
    void each(Predicate<Family> wanted, boolean text, FamilyRenderer renderer) throws IOException {
        long started = System.nanoTime();
        for (Family family : sortedFamilies()) {
            if (!wanted.test(family)) {
                continue;
            }
            List<SeriesSnapshot> exposed = store.exposed(family, started);
            List<SeriesSnapshot> series = text ? inText(exposed) : exposed;
            if (!series.isEmpty()) {
                renderer.render(family, series);
            }
        }
        timer.record(System.nanoTime() - started);
    }

    /** What a writer of one format does with a family's visible series. */
    interface FamilyRenderer {
        void render(Family family, List<SeriesSnapshot> series) throws IOException;
    }

    MetricStore store() {
        return store;
    }

    CollectTimer timer() {
        return timer;
    }

    static MetricFamilySamples toFamilySamples(Family family, List<SeriesSnapshot> series) {
        String name = family.name();
        String help = family.help() != null ? family.help() : DEFAULT_HELP;
        List<MetricFamilySamples.Sample> samples = new ArrayList<>(series.size());
        Type type = switch (family.type()) {
            case COUNTER -> {
                String total = name + "_total";
                for (SeriesSnapshot s : series) {
                    samples.add(sample(total, s.labels(), s.value()));
                }
                yield Type.COUNTER;
            }
            case GAUGE -> {
                for (SeriesSnapshot s : series) {
                    samples.add(sample(name, s.labels(), s.value()));
                }
                yield Type.GAUGE;
            }
            case UNTYPED -> {
                for (SeriesSnapshot s : series) {
                    samples.add(sample(name, s.labels(), s.value()));
                }
                yield Type.UNKNOWN; // untyped in the text format 0.0.4, unknown in OpenMetrics
            }
            case HISTOGRAM -> {
                for (SeriesSnapshot s : series) {
                    addHistogram(name, s, samples);
                }
                yield Type.HISTOGRAM;
            }
            case SUMMARY -> {
                for (SeriesSnapshot s : series) {
                    addSummary(name, s, samples);
                }
                yield Type.SUMMARY;
            }
        };
        return new MetricFamilySamples(name, type, help, samples);
    }

    private static MetricFamilySamples.Sample sample(String name, LabelSet labels, double value) {
        return new MetricFamilySamples.Sample(name, labels.names(), labels.values(), value);
    }

    private static void addHistogram(String name, SeriesSnapshot s, List<MetricFamilySamples.Sample> out) {
        List<String> names = withExtra(s.labels().names(), "le");
        double[] bounds = s.bounds();
        long[] counts = s.counts();
        for (int i = 0; i <= bounds.length; i++) {
            String le = i < bounds.length ? doubleToGoString(bounds[i]) : "+Inf";
            out.add(new MetricFamilySamples.Sample(
                    name + "_bucket", names, withExtra(s.labels().values(), le), counts[i]));
        }
        out.add(sample(name + "_count", s.labels(), s.count()));
        out.add(sample(name + "_sum", s.labels(), s.sum()));
    }

    private static void addSummary(String name, SeriesSnapshot s, List<MetricFamilySamples.Sample> out) {
        List<String> names = withExtra(s.labels().names(), "quantile");
        double[] quantiles = s.quantiles();
        for (int i = 0; i < quantiles.length; i++) {
            out.add(new MetricFamilySamples.Sample(
                    name,
                    names,
                    withExtra(s.labels().values(), doubleToGoString(quantiles[i])),
                    s.quantileValues()[i]));
        }
        out.add(sample(name + "_count", s.labels(), s.count()));
        out.add(sample(name + "_sum", s.labels(), s.sum()));
    }

    private static List<String> withExtra(List<String> base, String extra) {
        List<String> out = new ArrayList<>(base.size() + 1);
        out.addAll(base);
        out.add(extra);
        return out;
    }
}
