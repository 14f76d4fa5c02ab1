package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * All series of one metric name, each in the map of its partition (the shard its first sample came from). The
 * type is fixed at creation. Series are found without locking; a new series is added under the family's
 * {@link #lock} so that it can never land in a family that was just retired, and so that a push checked whole can
 * keep others from creating series in it until it is applied.
 */
public final class Family {
    private final String name;
    private final MetricType type;
    private final List<String> exposedNames;
    private final AtomicReference<String> help = new AtomicReference<>();
    private final SharedLabelNames labelNames = new SharedLabelNames();
    /** The series of each partition, by partition number, keyed by their labels; grown under {@link #lock}. */
    private volatile PartitionSeries[] parts = new PartitionSeries[0];
    /** Held to add a series or retire the family. */
    final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}, read without it on the hot path. */
    private volatile boolean retired;
    /** Whether two partitions ever held series of the same labels (a misrouted sample's): a scrape merges them. */
    private volatile boolean mixed;
    /** What changed since scrapes last asked, by chunk ({@link MetricStore#snapshot}). */
    private final ChunkVersions versions = new ChunkVersions();
    /** The series by chunk as a scrape last found them; the partitions' maps tell it when a series comes or goes. */
    final ChunkMembers members = new ChunkMembers();

    private final FamilyRule rule;
    private volatile boolean ownTtls;

    Family(String name, MetricType type, List<String> exposedNames, FamilyRule rule) {
        this.name = name;
        this.type = type;
        this.exposedNames = exposedNames;
        this.rule = rule;
    }

    /** Notes that a series of it was given a TTL of its own by a push: expiry then looks at it. */
    void markOwnTtls() {
        ownTtls = true;
    }

    boolean hasOwnTtls() {
        return ownTtls;
    }

    /** What {@code aggregation.familyRules} does with this family's samples. */
    public FamilyRule rule() {
        return rule;
    }

    /** Family name: for counters without the {@code _total} suffix that the exposed samples carry. */
    public String name() {
        return name;
    }

    public MetricType type() {
        return type;
    }

    /** Every sample name this family can expose, plus the family name itself. */
    List<String> exposedNames() {
        return exposedNames;
    }

    /** The first non-empty help text seen, or {@code null}. */
    public String help() {
        return help.get();
    }

    void offerHelp(String text) {
        if (text != null && !text.isEmpty() && help.get() == null && help.compareAndSet(null, text)) {
            exposedChanged();
        }
    }

    /** Notes a change a scrape could show in every chunk (the help text, a series restored). */
    void exposedChanged() {
        versions.markAll();
    }

    /** Notes a change a scrape could show in the chunk of a series: its value, the series added or removed. */
    void exposedChanged(Series series) {
        versions.mark(series.labelsHash());
    }

    /** {@link ChunkVersions#take}. */
    long[] exposedVersions(int count, long visibility) {
        return versions.take(count, visibility);
    }

    public int size() {
        int size = 0;
        for (PartitionSeries part : parts) {
            size += part == null ? 0 : part.size();
        }
        return size;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    boolean isRetired() {
        return retired;
    }

    /**
     * The labels of a new series of this family, its label names in an array shared with the family's other
     * series of the same names ({@link SharedLabelNames}).
     */
    LabelSet labelsOf(Sample sample) {
        return labelNames.labelsOf(sample);
    }

    /** Whether two partitions may hold series of the same labels: a scrape then merges by labels. */
    boolean isMixed() {
        return mixed;
    }

    /** The partition's series, in a live view; empty when it has none. */
    Collection<Series> seriesOf(Partition partition) {
        PartitionSeries part = part(partition);
        return part == null ? List.of() : part.values();
    }

    /** Every series, partition by partition, in a live view. */
    Iterable<Series> series() {
        return () -> Arrays.stream(parts)
                .filter(Objects::nonNull)
                .flatMap(part -> part.values().stream())
                .iterator();
    }

    /** A spliterator over the series of each partition visible at {@code nowNanos}. */
    List<Spliterator<Series>> visibleParts(long nowNanos) {
        List<Spliterator<Series>> out = new ArrayList<>();
        for (PartitionSeries part : parts) {
            if (part != null && !part.isEmpty() && part.partition.isVisible(nowNanos)) {
                out.add(part.values().spliterator());
            }
        }
        return out;
    }

    /** The partition's series, or {@code null}; a map of an earlier partition of the same shard is not its. */
    private PartitionSeries part(Partition partition) {
        PartitionSeries[] all = parts;
        PartitionSeries part = partition.id() < all.length ? all[partition.id()] : null;
        return part != null && part.partition == partition ? part : null;
    }

    /**
     * The partition's map, made when it has none; under {@link #lock}. A map left by an earlier partition of the
     * shard (dropped, its series removed) is replaced.
     */
    private PartitionSeries partToAdd(Partition partition) {
        PartitionSeries part = part(partition);
        if (part == null) {
            PartitionSeries[] grown = Arrays.copyOf(parts, Math.max(parts.length, partition.id() + 1));
            part = new PartitionSeries(partition, members);
            grown[partition.id()] = part;
            parts = grown;
        }
        return part;
    }

    /** Under {@link #lock}: notes when another partition holds a series of these labels too. */
    private void noteOthers(LabelSet labels, Partition partition) {
        if (!mixed) {
            PartitionSeries[] all = parts;
            for (int i = 0; i < all.length; i++) {
                if (i != partition.id() && all[i] != null && all[i].containsKey(labels)) {
                    mixed = true;
                    return;
                }
            }
        }
    }

    /**
     * The partition's series of the sample's labels, or {@code null}. {@code probe} finds it without copying the
     * labels.
     */
    Series find(Object probe, Partition partition) {
        PartitionSeries part = part(partition);
        return part == null ? null : part.get(probe);
    }

    /** The partition's series of these labels, else another partition's, or {@code null}. */
    Series findAnywhere(LabelSet labels, Partition partition) {
        Series own = find(labels, partition);
        if (own != null) {
            return own;
        }
        for (PartitionSeries part : parts) {
            Series other = part == null ? null : part.get(labels);
            if (other != null) {
                return other;
            }
        }
        return null;
    }

    /**
     * Adds {@code created} to the partition unless the family was retired meanwhile ({@code null}) or the
     * partition has a series of these labels already (returned instead).
     */
    Series add(LabelSet labels, Partition partition, Series created) {
        lock.lock();
        try {
            if (retired) {
                return null;
            }
            return insert(labels, partition, created);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #add} for a caller that holds the lock, with the family live. */
    Series insert(LabelSet labels, Partition partition, Series created) {
        PartitionSeries part = partToAdd(partition);
        Series existing = part.get(labels);
        if (existing != null) {
            return existing;
        }
        noteOthers(labels, partition);
        created.home(this, partition, true);
        part.put(labels, created);
        return created;
    }

    /**
     * Puts {@code series} in its partition in place of the one of the same labels, for a caller that made sure the
     * family is live; returns the one replaced, or {@code null}.
     */
    Series replace(Partition partition, Series series) {
        lock.lock(); // held already by a push that planned the family; taken here for one it created
        try {
            noteOthers(series.labels(), partition);
            series.home(this, partition, true);
            return partToAdd(partition).put(series.labels(), series);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the series out of its partition's map; {@code false} when it was no longer there. */
    boolean remove(Series series) {
        if (series.partition() == null) {
            return false; // never added
        }
        PartitionSeries part = part(series.partition());
        return part != null && part.remove(series.labels(), series);
    }

    /** Restores a series read from a checkpoint into its partition; {@code false} when it has one of those labels. */
    boolean restore(Series restored, Partition partition) {
        lock.lock();
        try {
            PartitionSeries part = partToAdd(partition);
            if (part.containsKey(restored.labels())) {
                return false;
            }
            noteOthers(restored.labels(), partition);
            restored.home(this, partition, false);
            part.put(restored.labels(), restored);
            exposedChanged();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Retires the family if it holds no series; a retired family accepts no new series. */
    boolean retireIfEmpty() {
        lock.lock();
        try {
            retired = retired || isEmpty();
            return retired;
        } finally {
            lock.unlock();
        }
    }
}
