package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.Names;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The aggregated state: families by name, series by label set (SPEC §3). Applying a sample to an existing
 * series takes two lock-free map look-ups and the series' own monitor; only creating or retiring a family
 * takes the store-wide {@code structure} lock, and creating a series its family's monitor.
 */
public final class MetricStore {
    private final StoreSettings settings;
    private final InstantSource clock;
    /** Every name a family exposes (family name, sample names) mapped to that family. */
    private final ConcurrentHashMap<String, Family> byExposedName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Family> families = new ConcurrentHashMap<>();
    /** Held to create, retire or restore a family, and by a push while it is checked and applied. */
    final Object structure = new Object();
    private final AtomicInteger seriesCount = new AtomicInteger();
    private final LongAdder bucketMismatches = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final ThreadLocal<LabelProbe> probes = ThreadLocal.withInitial(LabelProbe::new);
    private final LongSupplier appliedWatermark;
    private volatile Set<String> reservedNames = Set.of();

    /**
     * @param appliedWatermark a version below which every sample has been applied (gauges use it to forget
     *     ordering history); samples applied one at a time can pass {@code () -> Long.MAX_VALUE}
     */
    public MetricStore(StoreSettings settings, InstantSource clock, LongSupplier appliedWatermark) {
        this.settings = settings;
        this.clock = clock;
        this.appliedWatermark = appliedWatermark;
    }

    /** A store whose samples are applied in version order by one thread at a time. */
    public MetricStore(StoreSettings settings, InstantSource clock) {
        this(settings, clock, () -> Long.MAX_VALUE);
    }

    /** Names the gateway's own collectors expose; senders may not create families that would clash. */
    public void reserveNames(Set<String> names) {
        this.reservedNames = Set.copyOf(names);
    }

    public InstantSource clock() {
        return clock;
    }

    /**
     * Applies one valid sample. On refusal the sample is marked rejected ({@code type_conflict},
     * {@code invalid_name}, {@code invalid_value}, {@code invalid_buckets} or {@code series_limit}) and nothing
     * changes.
     *
     * @return whether the sample was applied
     */
    public boolean apply(Sample sample, long nowMillis) {
        while (true) {
            Family family = familyFor(sample);
            if (family == null) {
                return false;
            }
            family.offerHelp(sample.help());
            Series series = family.series.get(probes.get().wrap(sample));
            if (series == null) {
                series = createSeries(family, sample, nowMillis);
                if (series == null) {
                    if (sample.isRejected()) {
                        return false;
                    }
                    continue; // the family was retired meanwhile: look it up again
                }
            }
            Boolean applied = settle(sample, series.apply(sample, nowMillis));
            if (applied != null) {
                return applied;
            }
            unlink(family, series); // removed by a reset or expiry meanwhile: retry on a fresh series
        }
    }

    /**
     * Applies a push all or nothing: every sample is checked against the store and against the push's own
     * earlier samples (type and name conflicts, reserved names, bucket layouts, overflow, room under the series
     * cap) before any is applied, and no family can be created, retired or given another type meanwhile.
     * Samples must be distinct series (a series twice is refused).
     *
     * @return how many were applied, and the refused sample (marked rejected) when not all were: then nothing
     *     was applied, unless a concurrent update made a series overflow between the check and the update
     */
    public PushResult applyAll(java.util.List<Sample> samples, long nowMillis) {
        return new PushApplication(this, samples).apply(nowMillis);
    }

    /** What became of a push: see {@link #applyAll}. */
    public record PushResult(int applied, Sample refused) {
    }

    /** What {@code result} means for the sample: applied, refused (marked), or {@code null} to retry on a fresh series. */
    Boolean settle(Sample sample, Series.Applied result) {
        switch (result) {
            case OK:
                return true;
            case MISMATCH:
                bucketMismatches.increment();
                return true;
            case REFUSED:
                sample.reject(RejectReason.INVALID_BUCKETS, "bucket layout differs from the existing series'");
                return false;
            case OVERFLOW:
                sample.reject(RejectReason.INVALID_VALUE, "the series' value or sum would overflow to infinity");
                return false;
            default:
                return null;
        }
    }

    private Family familyFor(Sample sample) {
        Family family = byExposedName.get(sample.name());
        if (family != null && accepts(family, sample) && !family.isRetired()) {
            return family;
        }
        synchronized (structure) {
            family = byExposedName.get(sample.name());
            if (family != null) {
                if (accepts(family, sample)) {
                    return family;
                }
                sample.reject(RejectReason.TYPE_CONFLICT, conflict(family, sample));
                return null;
            }
            return createFamily(sample);
        }
    }

    static boolean accepts(Family family, Sample sample) {
        if (family.type() != sample.type()) {
            return false;
        }
        String raw = sample.name();
        String name = family.name();
        return raw.equals(name) || (family.type() == MetricType.COUNTER
                && raw.length() == name.length() + 6 && raw.startsWith(name) && raw.endsWith("_total"));
    }

    static String conflict(Family family, Sample sample) {
        String kind = family.type().wireName();
        if (family.type() != sample.type() && (sample.name().equals(family.name())
                || (family.type() == MetricType.COUNTER && sample.name().equals(family.name() + "_total")))) {
            return "metric \"" + family.name() + "\" is a " + kind + ", not a " + sample.type().wireName();
        }
        return "name \"" + sample.name() + "\" collides with " + kind + " \"" + family.name() + "\"";
    }

    /** Under {@code structure}. */
    private Family createFamily(Sample sample) {
        String name = Names.familyName(sample.type(), sample.name());
        List<String> exposed = Names.exposedNames(sample.type(), name);
        if (!canCreate(sample, name, exposed, java.util.Map.of())) {
            return null;
        }
        Family family = new Family(name, sample.type(), exposed);
        publish(family);
        return family;
    }

    /** Makes a new family visible; under {@code structure}. */
    void publish(Family family) {
        for (String candidate : family.exposedNames()) {
            byExposedName.put(candidate, family);
        }
        families.put(family.name(), family);
    }

    /** The family exposing this name, or {@code null}; under {@code structure} it is not retired. */
    Family byExposedName(String name) {
        return byExposedName.get(name);
    }

    /**
     * Whether a family exposing these names may be created; otherwise the sample is marked rejected. Pass
     * {@code alsoTaken} for names about to be taken by families not created yet (or {@code Map.of()}).
     */
    boolean canCreate(Sample sample, String name, List<String> exposed, java.util.Map<String, Family> alsoTaken) {
        String invalid = Names.invalidName(sample.type(), sample.name());
        if (invalid != null) { // the parsers check this first; the store is the last gate before the exposition
            sample.reject(RejectReason.INVALID_NAME, invalid);
            return false;
        }
        for (String candidate : exposed) {
            if (reservedNames.contains(candidate)) {
                sample.reject(RejectReason.INVALID_NAME,
                        "name \"" + sample.name() + "\" is reserved for the gateway's own metrics");
                return false;
            }
            Family other = byExposedName.get(candidate);
            if (other == null) {
                other = alsoTaken.get(candidate);
            }
            if (other != null) {
                sample.reject(RejectReason.TYPE_CONFLICT, sample.type().wireName() + " \"" + name
                        + "\" would collide with " + other.type().wireName() + " \"" + other.name() + "\"");
                return false;
            }
        }
        return true;
    }

    private Series createSeries(Family family, Sample sample, long nowMillis) {
        if (!reserveSeries(1)) {
            sample.reject(RejectReason.SERIES_LIMIT,
                    "series limit of " + settings.maxSeries() + " reached; not creating " + sample.name());
            return null;
        }
        LabelSet labels = LabelSet.of(sample);
        Series created = newSeries(family, labels, sample, nowMillis);
        Series inMap = family.add(labels, created);
        if (inMap != created) {
            seriesCount.decrementAndGet();
        }
        return inMap;
    }

    /** Takes room for {@code n} more series under the cap, all or none. */
    boolean reserveSeries(int n) {
        int count;
        do {
            count = seriesCount.get();
            if (count > settings.maxSeries() - n) {
                return false;
            }
        } while (!seriesCount.compareAndSet(count, count + n));
        return true;
    }

    /** Counts one more series whatever the cap: a push replacing a series that a reset removed under it. */
    void countSeries() {
        seriesCount.incrementAndGet();
    }

    /** A new, unlinked series of the family's type, laid out as the sample asks. */
    Series newSeries(Family family, LabelSet labels, Sample sample, long nowMillis) {
        return switch (family.type()) {
            case COUNTER -> new CounterSeries(labels, nowMillis);
            case GAUGE -> new GaugeSeries(labels, nowMillis, appliedWatermark);
            case HISTOGRAM -> new HistogramSeries(labels, nowMillis, HistogramSeries.layoutOf(sample));
            case SUMMARY -> {
                double[][] targets = SummarySeries.targetsOf(sample);
                yield new SummarySeries(labels, nowMillis, new QuantileWindow(targets[0], targets[1],
                        settings.summaryMaxAgeMillis(), settings.summaryAgeBuckets(), clock));
            }
        };
    }

    /** The probe of this thread, wrapping the sample's labels for a look-up in a family's series map. */
    Object probe(Sample sample) {
        return probes.get().wrap(sample);
    }

    /**
     * Removes the series that match both filters and were not updated after {@code notUpdatedSinceMillis}
     * (pass {@code Long.MAX_VALUE} to ignore age). A family left empty is retired, freeing its name and type.
     *
     * @return how many series were removed
     */
    public int remove(Predicate<Family> familyFilter, Predicate<LabelSet> labelFilter, long notUpdatedSinceMillis) {
        int removed = 0;
        for (Family family : families.values()) {
            if (!familyFilter.test(family)) {
                continue;
            }
            for (Series series : family.series.values()) {
                if (labelFilter.test(series.labels()) && series.removeIfIdleSince(notUpdatedSinceMillis)
                        && unlink(family, series)) {
                    removed++;
                }
            }
            if (family.series.isEmpty()) {
                retireIfEmpty(family);
            }
        }
        return removed;
    }

    /** Removes series idle for at least {@code ttlMillis}; counts them as expired. */
    public int expireIdle(long ttlMillis) {
        int removed = remove(f -> true, l -> true, clock.millis() - ttlMillis);
        expired.add(removed);
        return removed;
    }

    boolean unlink(Family family, Series series) {
        if (family.series.remove(series.labels(), series)) {
            seriesCount.decrementAndGet();
            return true;
        }
        return false;
    }

    private void retireIfEmpty(Family family) {
        synchronized (structure) {
            if (families.get(family.name()) == family && family.retireIfEmpty()) {
                families.remove(family.name(), family);
                for (String name : family.exposedNames()) {
                    byExposedName.remove(name, family);
                }
            }
        }
    }

    /**
     * Adds a family read from a snapshot, with its series. Only before samples flow (at start), into a
     * store without that family.
     */
    void restore(String name, MetricType type, String help, List<Series> series) throws java.io.IOException {
        synchronized (structure) {
            List<String> exposed = Names.exposedNames(type, name);
            for (String candidate : exposed) {
                if (byExposedName.containsKey(candidate)) {
                    throw new java.io.IOException("snapshot holds two families exposing " + candidate);
                }
            }
            Family family = new Family(name, type, exposed);
            family.offerHelp(help);
            for (Series s : series) {
                if (family.series.putIfAbsent(s.labels(), s) != null) {
                    throw new java.io.IOException("snapshot holds series " + name + s.labels() + " twice");
                }
            }
            seriesCount.addAndGet(series.size());
            exposed.forEach(n -> byExposedName.put(n, family));
            families.put(name, family);
        }
    }

    LongSupplier appliedWatermark() {
        return appliedWatermark;
    }

    /** A weakly consistent view of the families; safe to iterate while samples are applied. */
    public Collection<Family> families() {
        return families.values();
    }

    public Family family(String name) {
        return families.get(name);
    }

    /** Consistent copies of a family's series (each taken under its own monitor). */
    public List<SeriesSnapshot> snapshot(Family family) {
        List<SeriesSnapshot> out = new ArrayList<>(family.size());
        for (Series series : family.series.values()) {
            out.add(series.snapshot());
        }
        return out;
    }

    public int seriesCount() {
        return seriesCount.get();
    }

    public int familyCount() {
        return families.size();
    }

    public long bucketMismatches() {
        return bucketMismatches.sum();
    }

    public long expiredSeries() {
        return expired.sum();
    }

    public StoreSettings settings() {
        return settings;
    }
}
