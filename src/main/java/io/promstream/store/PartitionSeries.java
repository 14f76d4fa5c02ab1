package io.promstream.store;

import java.util.concurrent.ConcurrentHashMap;

/** The series of one family in one partition, keyed by their labels (a {@link LabelProbe} finds them too). */
final class PartitionSeries extends ConcurrentHashMap<Object, Series> {
    private static final long serialVersionUID = 1L;

    final transient Partition partition;

    PartitionSeries(Partition partition) {
        this.partition = partition;
    }
}
