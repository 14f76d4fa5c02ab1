package io.promstream.store;

import io.promstream.parse.MetricType;

/**
 * Series read from a checkpoint, placed into their partition before it takes samples ({@link CheckpointCodec#load}):
 * a later record of a series replaces the one restored before, a removal forgets it, a full segment forgets all.
 */
final class PartitionRestore {
    private final FamilyRegistry families;
    private final GroupRegistry groups;
    private final SeriesCap cap;

    PartitionRestore(FamilyRegistry families, GroupRegistry groups, SeriesCap cap) {
        this.families = families;
        this.groups = groups;
        this.cap = cap;
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
            cap.countOne();
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
                if (family.isEmpty()) {
                    families.retireIfEmpty(family);
                }
            }
        }
    }

    /** A full segment begins: forgets every series restored into the partition so far (it holds nothing else). */
    void clearRestored(Partition partition) {
        synchronized (families.structure) {
            groups.forgetAll(partition);
            for (Family family : families.all()) {
                for (Series series : family.seriesOf(partition)) {
                    cap.unlink(family, series);
                }
                if (family.isEmpty()) {
                    families.retireIfEmpty(family);
                }
            }
        }
    }

    private void forgetRestored(Family family, Series series) {
        cap.unlink(family, series);
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
            count += family.seriesOf(partition).size();
        }
        return count;
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
}
