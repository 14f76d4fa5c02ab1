package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The aggregated state: families by name, series by label set (docs/semantics.md). Applying a sample to an
 * existing series takes two lock-free map look-ups and the series' own monitor; only creating or retiring a
 * family takes the store-wide {@code structure} lock, and creating a series its family's lock.
 */
public final class MetricStore {
    private final StoreSettings settings;
    private final InstantSource clock;
    private final FamilyRegistry families = new FamilyRegistry();
    /** Pushgateway-style groups by grouping key; changed under the registry's structure lock. */
    private final ConcurrentHashMap<LabelSet, Group> groups = new ConcurrentHashMap<>();

    private final AtomicInteger seriesCount = new AtomicInteger();
    private final LongAdder bucketMismatches = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final ThreadLocal<LabelProbe> probes = ThreadLocal.withInitial(LabelProbe::new);
    private final LongSupplier appliedWatermark;
    /** The partition of each shard this gateway holds, by shard number; {@code null} where it holds none. */
    private final AtomicReferenceArray<Partition> partitions;

    /**
     * A store for {@code shards} shards, holding none yet: {@link #openPartition} each shard as it is taken.
     *
     * @param appliedWatermark a version below which every sample has been applied (gauges use it to forget
     *     ordering history); samples applied one at a time can pass {@code () -> Long.MAX_VALUE}
     */
    public MetricStore(StoreSettings settings, InstantSource clock, LongSupplier appliedWatermark, int shards) {
        this.settings = settings;
        this.clock = clock;
        this.appliedWatermark = appliedWatermark;
        this.partitions = new AtomicReferenceArray<>(shards);
    }

    /** A store of one partition, always held and visible (tools, tests, benchmarks). */
    public MetricStore(StoreSettings settings, InstantSource clock, LongSupplier appliedWatermark) {
        this(settings, clock, appliedWatermark, 1);
        openPartition(0).alwaysVisible();
    }

    /** A store whose samples are applied in version order by one thread at a time. */
    public MetricStore(StoreSettings settings, InstantSource clock) {
        this(settings, clock, () -> Long.MAX_VALUE);
    }

    /** Makes an empty partition for a shard just taken; it is not visible until told so. */
    public Partition openPartition(int shard) {
        Partition partition = new Partition(shard);
        Partition old = partitions.getAndSet(shard, partition);
        if (old != null) {
            throw new IllegalStateException(old + " is still open");
        }
        return partition;
    }

    /** The partition of this shard, or {@code null} when the shard is not held. */
    public Partition partition(int shard) {
        return partitions.get(shard);
    }

    public int shardCount() {
        return partitions.length();
    }

    /**
     * Forgets a partition and every series and group of it (its shard went to another gateway, or was given
     * back after its last checkpoint). Returns how many series went.
     */
    public int dropPartition(Partition partition) {
        if (!partitions.compareAndSet(partition.id(), partition, null)) {
            return 0;
        }
        partition.markDropped();
        int removed = 0;
        synchronized (families.structure) {
            groups.values().removeIf(g -> g.partition() == partition);
            for (Family family : families.all()) {
                for (Series series : family.series.values()) {
                    if (series.partition() == partition) {
                        series.markRemoved();
                        removed += unlink(family, series) ? 1 : 0;
                    }
                }
                if (family.series.isEmpty()) {
                    families.retireIfEmpty(family);
                }
            }
        }
        partition.markDropped(); // forgets what the removals above marked changed
        return removed;
    }

    /** Names the gateway's own collectors expose; senders may not create families that would clash. */
    public void reserveNames(Set<String> names) {
        families.reserve(names);
    }

    public InstantSource clock() {
        return clock;
    }

    /**
     * Applies one valid sample, or changes nothing and says why not ({@code type_conflict}, {@code invalid_name},
     * {@code invalid_value}, {@code invalid_buckets} or {@code series_limit}).
     *
     * @param version the sample's place in push order; later-pushed samples have larger versions
     * @param partition the partition of the shard the sample arrived on
     * @return {@code null} when applied
     */
    public Refusal apply(Sample sample, long version, long nowMillis, Partition partition) {
        while (true) {
            Family family = families.existing(sample);
            if (family == null) {
                FamilyRegistry.Resolution resolution = families.resolve(sample);
                if (resolution.refusal() != null) {
                    return resolution.refusal();
                }
                family = resolution.family();
            }
            family.offerHelp(sample.help());
            Series series = family.find(probe(sample), partition, sample);
            if (series == null) {
                if (!reserveSeries(1)) {
                    return new Refusal(
                            RejectReason.SERIES_LIMIT,
                            "series limit of " + settings.maxSeries() + " reached; not creating " + sample.name());
                }
                LabelSet labels = family.labelsOf(sample);
                Series created = newSeries(family, labels, sample, nowMillis);
                series = family.add(labels, partition, created);
                if (series != created) {
                    seriesCount.decrementAndGet();
                }
                if (series == null) {
                    continue; // the family was retired meanwhile: look it up again
                }
            }
            Series.Applied result = series.apply(sample, version, nowMillis);
            if (result != Series.Applied.REMOVED) {
                return settle(result);
            }
            unlink(family, series); // removed by a reset or expiry meanwhile: retry on a fresh series
        }
    }

    /**
     * The partition's series of a valid sample's labels, or {@code null}: for a caller that will apply samples of
     * that series again ({@link #applyTo}).
     */
    public Series find(Sample sample, Partition partition) {
        Family family = families.existing(sample);
        return family == null ? null : family.find(probe(sample), partition, sample);
    }

    /**
     * {@link #apply(Sample, long, long, Partition)} for a sample of a series {@link #find} gave for that
     * partition, without looking it up; when the series was removed meanwhile, the full path runs.
     */
    public Refusal applyTo(Series series, Sample sample, long version, long nowMillis, Partition partition) {
        Series.Applied result = series.apply(sample, version, nowMillis);
        if (result != Series.Applied.REMOVED) {
            return settle(result);
        }
        return apply(sample, version, nowMillis, partition);
    }

    /**
     * Applies a push all or nothing (see {@link PushApplication}). Samples must be distinct series (a series
     * twice is refused).
     *
     * @param versions each sample's place in push order, by its index in {@code samples}
     */
    public PushResult applyAll(List<Sample> samples, IntToLongFunction versions, long nowMillis, Partition partition) {
        return new PushApplication(this, families, samples, versions, partition).apply(nowMillis);
    }

    /**
     * What became of a push: how many samples were applied and, when not all were, the index of the refused one
     * and why. Then nothing was applied, unless a concurrent update made a series overflow between the check and
     * the update ({@code applied > 0}).
     */
    public record PushResult(int applied, int refusedIndex, Refusal refusal) {
        public boolean isWhole() {
            return refusal == null;
        }
    }

    /**
     * Applies a push to a Pushgateway-style group, all or nothing ({@link GroupApplication}): {@code replaceAll}
     * ({@code PUT}) replaces every family of the group, otherwise ({@code POST}) only those pushed. On refusal,
     * the group's {@code push_failure_time_seconds} is set to now (the group is created when new), as the
     * Pushgateway does.
     */
    public PushResult applyGroup(
            Map<String, String> grouping,
            boolean replaceAll,
            List<Sample> samples,
            long nowMillis,
            Partition partition) {
        LabelSet key = LabelSet.of(grouping);
        PushResult result =
                new GroupApplication(this, families, groups, key, replaceAll, samples, partition).apply(nowMillis);
        if (!result.isWhole()) {
            recordGroupFailure(grouping, nowMillis, partition);
        }
        return result;
    }

    /**
     * Sets a group's {@code push_failure_time_seconds} to now (creating the group when it is new, with a
     * {@code push_time_seconds} of 0), for a push to it that was read but refused.
     */
    public void recordGroupFailure(Map<String, String> grouping, long nowMillis, Partition partition) {
        new GroupApplication(this, families, groups, LabelSet.of(grouping), false, List.of(), partition)
                .recordFailure(nowMillis);
    }

    /** Removes a group of a partition (a delete that arrived on its shard); returns how many series went. */
    public int deleteGroup(Map<String, String> grouping, Partition partition) {
        synchronized (families.structure) {
            LabelSet key = LabelSet.of(grouping);
            Group group = groups.get(key);
            if (group == null || group.partition() != partition) {
                return 0;
            }
            groups.remove(key, group);
            return removeAll(group);
        }
    }

    /** Removes every group of a partition; returns how many series went. */
    public int wipeGroups(Partition partition) {
        synchronized (families.structure) {
            int removed = 0;
            for (Group group : new ArrayList<>(groups.values())) {
                if (group.partition() == partition) {
                    groups.remove(group.key(), group);
                    removed += removeAll(group);
                }
            }
            return removed;
        }
    }

    /** Removes a group's series (the group is already out of the map); under {@code structure}. */
    int removeGroupSeries(Group group) {
        return removeAll(group);
    }

    private int removeAll(Group group) {
        int removed = 0;
        for (Family family : group.families()) {
            for (GroupSeries series : group.series(family)) {
                series.markRemoved();
                group.forget(family, series);
                if (unlink(family, series)) {
                    removed++;
                }
            }
            if (family.series.isEmpty()) {
                families.retireIfEmpty(family);
            }
        }
        return removed;
    }

    /** The Pushgateway-style groups (a weakly consistent view). */
    public Collection<Group> groups() {
        return groups.values();
    }

    /** Consistent copies of a group's series in one family. */
    public List<SeriesSnapshot> snapshot(Group group, Family family) {
        List<SeriesSnapshot> out = new ArrayList<>();
        for (GroupSeries series : group.series(family)) {
            out.add(series.snapshot());
        }
        return out;
    }

    /**
     * The group a restored series belongs to while a checkpoint is read into its partition: the store's, or a new
     * one; {@code null} when another partition holds a group of that key. The reader keeps one per key.
     */
    Group restoredGroup(LabelSet key, Partition partition) {
        Group group = groups.get(key);
        if (group == null) {
            return new Group(key, partition); // added by restore() with its first series
        }
        return group.partition() == partition ? group : null;
    }

    /** What a series' outcome means: {@code null} when applied, else why not; counts layout mismatches. */
    Refusal settle(Series.Applied result) {
        if (result == Series.Applied.MISMATCH) {
            bucketMismatches.increment();
        }
        return refusalOf(result);
    }

    /** Why a series did not (or would not) take a sample, or {@code null} when it did. */
    static Refusal refusalOf(Series.Applied result) {
        return switch (result) {
            case OK, MISMATCH -> null;
            case REFUSED ->
                new Refusal(RejectReason.INVALID_BUCKETS, "bucket layout differs from the existing series'");
            case OVERFLOW ->
                new Refusal(RejectReason.INVALID_VALUE, "the series' value or sum would overflow to infinity");
            case HELD ->
                new Refusal(
                        RejectReason.TYPE_CONFLICT,
                        "the series belongs to a Pushgateway-style group: "
                                + "pushes to its grouping key replace it; it is not aggregated");
            case REMOVED -> throw new IllegalArgumentException("a removed series is retried, not settled");
        };
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

    /** Moves the series count by {@code delta}, whatever the cap (room was checked or reserved before). */
    void adjustSeries(int delta) {
        seriesCount.addAndGet(delta);
    }

    /** A new, unlinked series of the family's type, laid out as the sample asks. */
    Series newSeries(Family family, LabelSet labels, Sample sample, long nowMillis) {
        return switch (family.type()) {
            case COUNTER -> new CounterSeries(labels, nowMillis);
            case GAUGE -> new GaugeSeries(labels, nowMillis, appliedWatermark);
            case HISTOGRAM -> new HistogramSeries(labels, nowMillis, HistogramSeries.layoutOf(sample));
            case SUMMARY -> {
                double[][] targets = SummarySeries.targetsOf(sample);
                yield new SummarySeries(
                        labels,
                        nowMillis,
                        new QuantileWindow(
                                targets[0],
                                targets[1],
                                settings.summaryMaxAgeMillis(),
                                settings.summaryAgeBuckets(),
                                clock));
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
        return remove(familyFilter, labelFilter, notUpdatedSinceMillis, null);
    }

    /** {@link #remove(Predicate, Predicate, long)} among one partition's series ({@code null}: all). */
    public int remove(
            Predicate<Family> familyFilter,
            Predicate<LabelSet> labelFilter,
            long notUpdatedSinceMillis,
            Partition partition) {
        int removed = 0;
        for (Family family : families.all()) {
            if (!familyFilter.test(family)) {
                continue;
            }
            for (Series series : family.series.values()) {
                if ((partition == null || series.partition() == partition)
                        && labelFilter.test(series.labels())
                        && series.removeIfIdleSince(notUpdatedSinceMillis)
                        && unlink(family, series)) {
                    removed++;
                    if (series instanceof GroupSeries member) {
                        leave(member.group(), family, member);
                    }
                }
            }
            if (family.series.isEmpty()) {
                families.retireIfEmpty(family);
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

    /** A group's series went (reset, expiry): a group left with none is forgotten. */
    private void leave(Group group, Family family, GroupSeries series) {
        group.forget(family, series);
        if (group.isEmpty()) {
            synchronized (families.structure) {
                if (group.isEmpty()) {
                    groups.remove(group.key(), group);
                }
            }
        }
    }

    boolean unlink(Family family, Series series) {
        if (family.series.remove(series.mapKey(), series)) {
            family.exposedChanged(series.labels());
            seriesCount.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Adds a series read from a checkpoint to its partition, before the partition takes samples. {@code false}
     * when it cannot be placed: the name belongs to another type or to the gateway's own metrics, or the
     * partition holds those labels already.
     */
    boolean restore(Partition partition, String name, MetricType type, String help, Series series) {
        synchronized (families.structure) {
            Family family = families.forRestore(name, type);
            if (family == null) {
                return false;
            }
            Series earlier = family.find(series.labels(), partition);
            if (earlier != null) { // restored from an earlier segment: this record is later
                forgetRestored(family, earlier);
            }
            if (!family.restore(series, partition)) {
                return false;
            }
            family.offerHelp(help);
            seriesCount.incrementAndGet();
            if (series instanceof GroupSeries member) {
                member.group().put(family, member, series.lastUpdatedMillis());
                groups.putIfAbsent(member.group().key(), member.group());
            }
            return true;
        }
    }

    /** A removal read from a checkpoint: forgets the partition's series of these labels, if restored. */
    void unrestore(Partition partition, String name, LabelSet labels) {
        synchronized (families.structure) {
            Family family = families.byName(name);
            Series series = family == null ? null : family.find(labels, partition);
            if (series != null) {
                forgetRestored(family, series);
                if (family.series.isEmpty()) {
                    families.retireIfEmpty(family);
                }
            }
        }
    }

    /** A full segment begins: forgets every series restored into the partition so far (it holds nothing else). */
    void clearRestored(Partition partition) {
        synchronized (families.structure) {
            groups.values().removeIf(g -> g.partition() == partition);
            for (Family family : families.all()) {
                for (Series series : family.series.values()) {
                    if (series.partition() == partition) {
                        unlink(family, series);
                    }
                }
                if (family.series.isEmpty()) {
                    families.retireIfEmpty(family);
                }
            }
        }
    }

    private void forgetRestored(Family family, Series series) {
        unlink(family, series);
        if (series instanceof GroupSeries member) {
            member.group().forget(family, member);
            if (member.group().isEmpty()) {
                groups.remove(member.group().key(), member.group());
            }
        }
    }

    /** How many series a partition holds (a scan; for reports on loading). */
    int restoredCount(Partition partition) {
        int count = 0;
        for (Family family : families.all()) {
            for (Series series : family.series.values()) {
                if (series.partition() == partition) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The families, for a checkpoint of a partition. */
    Collection<Family> allFamilies() {
        return families.all();
    }

    LongSupplier appliedWatermark() {
        return appliedWatermark;
    }

    /** A weakly consistent view of the families; safe to iterate while samples are applied. */
    public Collection<Family> families() {
        return families.all();
    }

    public Family family(String name) {
        return families.byName(name);
    }

    /** Consistent copies of a family's series (each taken under its own monitor). */
    public List<SeriesSnapshot> snapshot(Family family) {
        List<SeriesSnapshot> out = new ArrayList<>(family.size());
        for (Series series : family.series.values()) {
            out.add(series.snapshot());
        }
        return out;
    }

    /**
     * What a scrape exposes of a family: consistent copies of the series of partitions visible at
     * {@code nowNanos}. Where misrouted samples made a stray beside a series of the same labels, the two are
     * exposed as one ({@link SnapshotMerge}).
     */
    public List<SeriesSnapshot> exposed(Family family, long nowNanos) {
        return exposed(family, nowNanos, 1, 1L, null)[0].snapshots();
    }

    /**
     * {@link #exposed(Family, long)} split by {@link Family#chunkOf chunk}: the chunks whose bit is set in
     * {@code wanted}, their series to be copied by the caller ({@code null} for the other chunks). A large family
     * without strays is gone through in two halves, one of them on {@code helper} when one is given.
     *
     * @param chunks a power of two, at most {@link Family#MAX_CHUNKS}
     */
    public ExposedChunk[] exposed(Family family, long nowNanos, int chunks, long wanted, ExecutorService helper) {
        return FamilyExposure.exposed(family, nowNanos, chunks, wanted, helper);
    }

    /**
     * The shards whose partitions a scrape at {@code nowNanos} shows. With {@link Family#exposedVersions}, what
     * decides whether a family rendered earlier is still what a scrape would show.
     */
    public BitSet visiblePartitions(long nowNanos) {
        BitSet out = new BitSet(partitions.length());
        for (int i = 0; i < partitions.length(); i++) {
            Partition partition = partitions.get(i);
            if (partition != null && partition.isVisible(nowNanos)) {
                out.set(i);
            }
        }
        return out;
    }

    /** The Pushgateway-style groups of partitions visible at {@code nowNanos}. */
    public List<Group> visibleGroups(long nowNanos) {
        List<Group> out = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.partition().isVisible(nowNanos)) {
                out.add(group);
            }
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
