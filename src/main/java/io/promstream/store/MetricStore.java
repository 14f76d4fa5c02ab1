package io.promstream.store;

import io.promstream.parse.Sample;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The aggregated state: families by name, series by label set (docs/semantics.md). Applying a sample to an
 * existing series takes two lock-free map look-ups and the series' own monitor; only creating or retiring a
 * family takes the store-wide {@code structure} lock, and creating a series its family's lock. Its parts do the work:
 * {@link SampleApplier}, {@link GroupRegistry}, {@link Partitions}, {@link SeriesRemoval}, {@link FamilyExposure}.
 */
public final class MetricStore {
    private final StoreSettings settings;
    private final InstantSource clock;
    private final FamilyRegistry families;
    private final SeriesCap cap;
    private final GroupRegistry groups;
    private final Partitions partitions;
    private final PartitionRestore restoring;
    private final SeriesRemoval removal;
    private final SeriesFactory factory;
    private final SampleApplier applier;
    private final LongSupplier appliedWatermark;

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
        this.families = new FamilyRegistry(settings.rules());
        this.cap = new SeriesCap(settings.maxSeries());
        this.groups = new GroupRegistry(families, cap);
        this.partitions = new Partitions(shards, families, groups, cap, settings.seenKeysPerShard());
        this.restoring = new PartitionRestore(families, groups, cap);
        this.removal = new SeriesRemoval(families, groups, cap, clock);
        this.factory = new SeriesFactory(settings, clock, appliedWatermark);
        this.applier = new SampleApplier(families, cap, factory);
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
        return partitions.open(shard);
    }

    /** The partition of this shard, or {@code null} when the shard is not held. */
    public Partition partition(int shard) {
        return partitions.get(shard);
    }

    public int shardCount() {
        return partitions.count();
    }

    /**
     * Forgets a partition and every series and group of it (its shard went to another gateway, or was given
     * back after its last checkpoint). Returns how many series went.
     */
    public int dropPartition(Partition partition) {
        return partitions.drop(partition);
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
        return applier.apply(sample, version, nowMillis, partition);
    }

    /**
     * The partition's series of a valid sample's labels, or {@code null}: for a caller that will apply samples of
     * that series again ({@link #applyTo}).
     */
    public Series find(Sample sample, Partition partition) {
        return applier.find(sample, partition);
    }

    /**
     * {@link #apply(Sample, long, long, Partition)} for a sample of a series {@link #find} gave for that
     * partition, without looking it up; when the series was removed meanwhile, the full path runs.
     */
    public Refusal applyTo(Series series, Sample sample, long version, long nowMillis, Partition partition) {
        return applier.applyTo(series, sample, version, nowMillis, partition);
    }

    /**
     * Applies a push all or nothing (see {@link PushApplication}). Samples must be distinct series (a series
     * twice is refused).
     *
     * @param versions each sample's place in push order, by its index in {@code samples}
     */
    public PushResult applyAll(List<Sample> samples, IntToLongFunction versions, long nowMillis, Partition partition) {
        return new PushApplication(applier, families, cap, factory, samples, versions, partition).apply(nowMillis);
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
                new GroupApplication(cap, families, groups, key, replaceAll, samples, partition).apply(nowMillis);
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
        new GroupApplication(cap, families, groups, LabelSet.of(grouping), false, List.of(), partition)
                .recordFailure(nowMillis);
    }

    /** Removes a group of a partition (a delete that arrived on its shard); returns how many series went. */
    public int deleteGroup(Map<String, String> grouping, Partition partition) {
        return groups.delete(grouping, partition);
    }

    /** Removes every group of a partition; returns how many series went. */
    public int wipeGroups(Partition partition) {
        return groups.wipe(partition);
    }

    /** The Pushgateway-style groups (a weakly consistent view). */
    public Collection<Group> groups() {
        return groups.all();
    }

    /** Consistent copies of a group's series in one family. */
    public List<SeriesSnapshot> snapshot(Group group, Family family) {
        return GroupRegistry.snapshot(group, family);
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
        return removal.remove(familyFilter, labelFilter, notUpdatedSinceMillis, partition);
    }

    /** Removes the series idle for at least their family's TTL; counts them as expired. */
    public int expireIdle(TtlRules rules) {
        return removal.expireIdle(rules);
    }

    LongSupplier appliedWatermark() {
        return appliedWatermark;
    }

    /** Where a checkpoint read into a partition puts its series. */
    PartitionRestore restoring() {
        return restoring;
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
        for (Series series : family.series()) {
            out.add(series.snapshot());
        }
        return out;
    }

    /**
     * What a scrape exposes of a family: consistent copies of the series of partitions visible at
     * {@code nowNanos}. Where two partitions hold series of the same labels (a misrouted sample's), the two are
     * exposed as one ({@link SnapshotMerge}).
     */
    public List<SeriesSnapshot> exposed(Family family, long nowNanos) {
        return FamilyExposure.exposed(family, nowNanos, 1, 1L, -1, null)[0].snapshots();
    }

    /**
     * What a scrape at {@code nowNanos} shows of a family, by chunk: each chunk's version, and the series of those
     * whose version is not in {@code known} (the versions of an earlier snapshot of the family, or {@code null}). A
     * change after this call gives its chunk a new version in the next. A large family without strays is gone
     * through in two halves, one of them on {@code helper} when one is given.
     */
    public FamilySnapshot snapshot(Family family, long nowNanos, long[] known, ExecutorService helper) {
        int chunks = ChunkVersions.chunksFor(family.size());
        long visibility = partitions.visibility(nowNanos);
        long[] versions = family.exposedVersions(chunks, visibility); // before reading it
        long wanted = 0;
        for (int c = 0; c < chunks; c++) {
            if (known == null || known.length != chunks || known[c] != versions[c]) {
                wanted |= 1L << c;
            }
        }
        ExposedChunk[] fresh = wanted == 0
                ? new ExposedChunk[chunks]
                : FamilyExposure.exposed(family, nowNanos, chunks, wanted, visibility, helper);
        return new FamilySnapshot(family, versions, fresh);
    }

    /** The Pushgateway-style groups of partitions visible at {@code nowNanos}. */
    public List<Group> visibleGroups(long nowNanos) {
        return groups.visible(nowNanos);
    }

    public int seriesCount() {
        return cap.count();
    }

    public int familyCount() {
        return families.size();
    }

    public long bucketMismatches() {
        return applier.bucketMismatches();
    }

    /** How many samples were dropped by their family's rule ({@code aggregation.familyRules}). */
    public long droppedByRule() {
        return families.droppedByRule();
    }

    public long expiredSeries() {
        return removal.expired();
    }

    public StoreSettings settings() {
        return settings;
    }
}
