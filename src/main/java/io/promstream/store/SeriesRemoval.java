package io.promstream.store;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Removes series by family, labels and age (resets, TTL expiry), each marked removed under its own monitor: a
 * family left empty is retired, a group left without series forgotten.
 */
final class SeriesRemoval {
    private final FamilyRegistry families;
    private final GroupRegistry groups;
    private final SeriesCap cap;
    private final InstantSource clock;
    private final LongAdder expired = new LongAdder();

    SeriesRemoval(FamilyRegistry families, GroupRegistry groups, SeriesCap cap, InstantSource clock) {
        this.families = families;
        this.groups = groups;
        this.cap = cap;
        this.clock = clock;
    }

    /**
     * Removes the series of {@code partition} ({@code null}: all) that match both filters and were not updated
     * after {@code notUpdatedSinceMillis}; returns how many were removed.
     */
    int remove(
            Predicate<Family> familyFilter,
            Predicate<LabelSet> labelFilter,
            long notUpdatedSinceMillis,
            Partition partition) {
        int removed = 0;
        for (Family family : families.all()) {
            if (!familyFilter.test(family)) {
                continue;
            }
            for (Series series : partition == null ? family.series() : family.seriesOf(partition)) {
                if (labelFilter.test(series.labels())
                        && series.removeIfIdleSince(notUpdatedSinceMillis)
                        && cap.unlink(family, series)) {
                    removed++;
                    if (series instanceof GroupSeries member) {
                        groups.leave(member.group(), family, member);
                    }
                }
            }
            if (family.isEmpty()) {
                families.retireIfEmpty(family);
            }
        }
        return removed;
    }

    /**
     * Removes the series idle for at least their TTL (a push's, else their family's by the rules), a group's counted
     * from its last push; counts them as expired.
     */
    int expireIdle(TtlRules rules) {
        long now = clock.millis();
        int removed = 0;
        Map<Group, Long> pushes = new HashMap<>();
        for (Family family : families.all()) {
            long familyTtl = rules.ttlOf(family.name());
            if (familyTtl == 0 && !family.hasOwnTtls()) {
                continue;
            }
            for (Series series : family.series()) {
                Group group = series.group();
                long pushed = group == null ? 0 : pushes.computeIfAbsent(group, g -> (long) (g.pushTime() * 1000));
                if (series.expireIfIdle(now, familyTtl, pushed) && cap.unlink(family, series)) {
                    removed++;
                    if (series instanceof GroupSeries member) {
                        groups.leave(member.group(), family, member);
                    }
                }
            }
            if (family.isEmpty()) {
                families.retireIfEmpty(family);
            }
        }
        expired.add(removed);
        return removed;
    }

    /** How many series expired so far. */
    long expired() {
        return expired.sum();
    }
}
