package io.promstream.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The series of one family in one partition, keyed by their labels (a {@link LabelProbe} finds them too). A series
 * is added with {@link #put} and taken out with {@link #remove(Object, Object)} only: both tell the family's
 * {@link ChunkMembers}.
 */
final class PartitionSeries extends ConcurrentHashMap<Object, Series> {
    private static final long serialVersionUID = 1L;

    final transient Partition partition;
    private final transient ChunkMembers members;

    PartitionSeries(Partition partition, ChunkMembers members) {
        this.partition = partition;
        this.members = members;
    }

    @Override
    public Series put(Object labels, Series series) {
        Series replaced = super.put(labels, series);
        members.changed();
        return replaced;
    }

    @Override
    public boolean remove(Object labels, Object series) {
        boolean removed = super.remove(labels, series);
        if (removed) {
            members.changed();
        }
        return removed;
    }
}
