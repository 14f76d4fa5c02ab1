package io.promstream.store;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The partition of each shard this gateway holds, by shard number ({@code null} where it holds none): opened as a
 * shard is taken, dropped with every series and group of it when the shard goes.
 */
final class Partitions {
    private final AtomicReferenceArray<Partition> partitions;
    private final FamilyRegistry families;
    private final GroupRegistry groups;
    private final SeriesCap cap;
    /** Guarded by this: the partitions visible at the last {@link #visibility} call, and its answer. */
    private BitSet lastVisible = new BitSet();

    private long visibility;

    private final int seenKeys;

    Partitions(int shards, FamilyRegistry families, GroupRegistry groups, SeriesCap cap, int seenKeys) {
        this.seenKeys = seenKeys;
        this.partitions = new AtomicReferenceArray<>(shards);
        this.families = families;
        this.groups = groups;
        this.cap = cap;
    }

    /** Makes an empty partition for a shard just taken; it is not visible until told so. */
    Partition open(int shard) {
        Partition partition = new Partition(shard, seenKeys);
        Partition old = partitions.getAndSet(shard, partition);
        if (old != null) {
            throw new IllegalStateException(old + " is still open");
        }
        return partition;
    }

    /** The partition of this shard, or {@code null} when the shard is not held. */
    Partition get(int shard) {
        return partitions.get(shard);
    }

    int count() {
        return partitions.length();
    }

    /** Forgets a partition and every series and group of it; returns how many series went. */
    int drop(Partition partition) {
        if (!partitions.compareAndSet(partition.id(), partition, null)) {
            return 0;
        }
        partition.markDropped();
        int removed = 0;
        synchronized (families.structure) {
            groups.forgetAll(partition);
            for (Family family : families.all()) {
                for (Series series : family.seriesOf(partition)) {
                    series.markRemoved();
                    removed += cap.unlink(family, series) ? 1 : 0;
                }
                if (family.isEmpty()) {
                    families.retireIfEmpty(family);
                }
            }
        }
        partition.markDropped(); // forgets what the removals above marked changed
        return removed;
    }

    /**
     * A number that changes whenever the partitions a scrape shows change: the same for two instants only when the
     * same shards' partitions are visible at both.
     */
    synchronized long visibility(long nowNanos) {
        BitSet now = visible(nowNanos);
        if (!now.equals(lastVisible)) {
            lastVisible = now;
            visibility++;
        }
        return visibility;
    }

    /** The shards whose partitions a scrape at {@code nowNanos} shows. */
    BitSet visible(long nowNanos) {
        BitSet out = new BitSet(partitions.length());
        for (int i = 0; i < partitions.length(); i++) {
            Partition partition = partitions.get(i);
            if (partition != null && partition.isVisible(nowNanos)) {
                out.set(i);
            }
        }
        return out;
    }
}
