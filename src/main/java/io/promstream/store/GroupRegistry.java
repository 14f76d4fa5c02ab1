package io.promstream.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's Pushgateway-style groups by grouping key, changed under the family registry's {@code structure} lock:
 * removing a group unlinks its series, and retires a family they leave empty.
 */
final class GroupRegistry {
    private final FamilyRegistry families;
    private final SeriesCap cap;
    /** Pushgateway-style groups by grouping key; changed under the registry's structure lock. */
    private final ConcurrentHashMap<LabelSet, Group> groups = new ConcurrentHashMap<>();

    GroupRegistry(FamilyRegistry families, SeriesCap cap) {
        this.families = families;
        this.cap = cap;
    }

    /**
     * The group of this key in this partition, or {@code null}. A group of the key in another partition (pushed
     * while the shard count was different) is removed first: pushes to a grouping key go to one shard.
     */
    Group current(LabelSet key, Partition partition) {
        Group group = get(key);
        if (group != null && group.partition() != partition) {
            remove(key, group);
            removeAll(group);
            return null;
        }
        return group;
    }

    /** The group of this key, or {@code null}. */
    Group get(LabelSet key) {
        return groups.get(key);
    }

    /** Makes {@code group} the group of {@code key}; under {@code structure}. */
    void put(LabelSet key, Group group) {
        groups.put(key, group);
    }

    /** Adds a group unless its key has one; under {@code structure}. */
    void putIfAbsent(LabelSet key, Group group) {
        groups.putIfAbsent(key, group);
    }

    /** Forgets the group of {@code key} if it is {@code group}, leaving its series be; under {@code structure}. */
    void remove(LabelSet key, Group group) {
        groups.remove(key, group);
    }

    /** Forgets every group of a partition, leaving their series be; under {@code structure}. */
    void forgetAll(Partition partition) {
        groups.values().removeIf(g -> g.partition() == partition);
    }

    /** Removes a group of a partition (a delete that arrived on its shard); returns how many series went. */
    int delete(Map<String, String> grouping, Partition partition) {
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
    int wipe(Partition partition) {
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
    int removeAll(Group group) {
        int removed = 0;
        for (Family family : group.families()) {
            for (GroupSeries series : group.series(family)) {
                series.markRemoved();
                group.forget(family, series);
                if (cap.unlink(family, series)) {
                    removed++;
                }
            }
            if (family.isEmpty()) {
                families.retireIfEmpty(family);
            }
        }
        return removed;
    }

    /** A group's series went (reset, expiry): a group left with none is forgotten. */
    void leave(Group group, Family family, GroupSeries series) {
        group.forget(family, series);
        if (group.isEmpty()) {
            synchronized (families.structure) {
                if (group.isEmpty()) {
                    groups.remove(group.key(), group);
                }
            }
        }
    }

    /** The groups (a weakly consistent view). */
    Collection<Group> all() {
        return groups.values();
    }

    /** Consistent copies of a group's series in one family. */
    static List<SeriesSnapshot> snapshot(Group group, Family family) {
        List<SeriesSnapshot> out = new ArrayList<>();
        for (GroupSeries series : group.series(family)) {
            out.add(series.snapshot());
        }
        return out;
    }

    /** The groups of partitions visible at {@code nowNanos}. */
    List<Group> visible(long nowNanos) {
        List<Group> out = new ArrayList<>();
        for (Group group : groups.values()) {
            if (group.partition().isVisible(nowNanos)) {
                out.add(group);
            }
        }
        return out;
    }
}
