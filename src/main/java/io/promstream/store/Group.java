package io.promstream.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Pushgateway-style group (docs/semantics.md, Replace): the series last pushed to one grouping key, by family,
 * with the group's {@code push_time_seconds} and {@code push_failure_time_seconds}. Pushes change it under the
 * store's {@code structure} lock; a reset or expiry may remove one of its series at any time.
 */
public final class Group {
    public static final String PUSH_TIME = "push_time_seconds";
    public static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";
    static final String PUSH_TIME_HELP = "Last Unix time when changing this group in the Pushgateway succeeded.";
    static final String PUSH_FAILURE_TIME_HELP = "Last Unix time when changing this group in the Pushgateway failed.";

    private final LabelSet key;
    private final Partition partition;
    private final LabelSet ownLabels;
    private final Map<Family, Map<LabelSet, GroupSeries>> members = new LinkedHashMap<>();
    private final Map<String, Long> writtenMillis = new HashMap<>();

    Group(LabelSet key, Partition partition) {
        this.key = key;
        this.partition = partition;
        this.ownLabels = key.withEmptyIfAbsent("instance");
    }

    /** The partition of the shard its pushes arrive on (the shard its grouping key routes to). */
    Partition partition() {
        return partition;
    }

    /** The grouping labels. */
    public LabelSet key() {
        return key;
    }

    /** The labels of the group's own series: the grouping labels, and {@code instance=""} when they have none. */
    LabelSet ownLabels() {
        return ownLabels;
    }

    synchronized void put(Family family, GroupSeries series, long nowMillis) {
        members.computeIfAbsent(family, f -> new LinkedHashMap<>()).put(series.labels(), series);
        writtenMillis.put(family.name(), nowMillis);
    }

    /**
     * Takes one of the group's series out of its family and out of the group.
     *
     * @return 1 when the series was still there to remove (a reset may have been first)
     */
    int drop(Family family, GroupSeries series) {
        series.markRemoved();
        forget(family, series);
        return family.remove(series) ? 1 : 0;
    }

    /** Forgets a series that left its family (replaced, deleted, reset or expired). */
    synchronized void forget(Family family, GroupSeries series) {
        Map<LabelSet, GroupSeries> of = members.get(family);
        if (of != null && of.remove(series.labels(), series) && of.isEmpty()) {
            members.remove(family);
            writtenMillis.remove(family.name());
        }
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    /** The group's series in one family. */
    synchronized List<GroupSeries> series(Family family) {
        Map<LabelSet, GroupSeries> of = members.get(family);
        return of == null ? List.of() : new ArrayList<>(of.values());
    }

    /** The families the group has series in. */
    public synchronized List<Family> families() {
        return new ArrayList<>(members.keySet());
    }

    /** When a family of the group was last written by a push (Unix millis), or 0. */
    public synchronized long writtenMillis(String familyName) {
        return writtenMillis.getOrDefault(familyName, 0L);
    }

    /** The group's {@code push_time_seconds}, or 0. */
    public double pushTime() {
        return ownValue(PUSH_TIME);
    }

    /** The group's {@code push_failure_time_seconds}, or 0. */
    public double failureTime() {
        return ownValue(PUSH_FAILURE_TIME);
    }

    private synchronized double ownValue(String familyName) {
        for (Map.Entry<Family, Map<LabelSet, GroupSeries>> e : members.entrySet()) {
            if (e.getKey().name().equals(familyName)) {
                GroupSeries own = e.getValue().get(ownLabels);
                return own == null ? 0 : own.value();
            }
        }
        return 0;
    }
}
