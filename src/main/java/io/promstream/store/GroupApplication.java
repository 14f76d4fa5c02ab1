package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One push to a Pushgateway-style group, applied all or nothing with the Pushgateway's semantics: {@code PUT}
 * replaces every family of the group, {@code POST} only the families it pushes; the group's
 * {@code push_time_seconds} is set to now and its {@code push_failure_time_seconds} created at 0. Like
 * {@link PushApplication}, it holds the registry's {@code structure} lock and the locks of the families it
 * touches while it checks everything (types and names, a series given twice, a series held by another group or
 * aggregated, room under the cap) and then applies.
 */
final class GroupApplication {
    private static final String OWN = ": " + Group.PUSH_TIME + " and " + Group.PUSH_FAILURE_TIME
            + " are the group's own gauges, set by the gateway";
    private final SeriesCap cap;
    private final FamilyRegistry registry;
    private final GroupRegistry groups;
    private final LabelSet key;
    private final boolean replaceAll;
    private final List<Sample> samples;
    private final Partition partition;
    private final Family[] targets;
    private final FamilyPlan plan;
    /** The push's TTL, given to every series it puts (the group's own two too): the group then expires whole. */
    private final long pushTtl;

    GroupApplication(
            SeriesCap cap,
            FamilyRegistry registry,
            GroupRegistry groups,
            LabelSet key,
            boolean replaceAll,
            List<Sample> samples,
            Partition partition) {
        this.cap = cap;
        this.partition = partition;
        this.registry = registry;
        this.groups = groups;
        this.key = key;
        this.replaceAll = replaceAll;
        this.samples = samples;
        this.targets = new Family[samples.size()];
        this.plan = new FamilyPlan(registry);
        this.pushTtl = samples.isEmpty() ? Sample.NO_TTL : samples.get(0).ttlMillis();
    }

    PushResult apply(long nowMillis) {
        synchronized (registry.structure) {
            Group group = groups.current(key, partition);
            boolean fresh = group == null;
            if (fresh) {
                group = new Group(key, partition);
            }
            PushResult refused = plan.resolveAll(samples, targets);
            if (refused != null) {
                return refused;
            }
            Family pushTime = ownFamily(Group.PUSH_TIME, Group.PUSH_TIME_HELP);
            Family failureTime = ownFamily(Group.PUSH_FAILURE_TIME, Group.PUSH_FAILURE_TIME_HELP);
            if (pushTime == null || failureTime == null) {
                return new PushResult(
                        0,
                        -1,
                        new Refusal(
                                RejectReason.TYPE_CONFLICT,
                                Group.PUSH_TIME + " or " + Group.PUSH_FAILURE_TIME + " exists as another type"));
            }
            Set<Family> replaced = replacedFamilies(group, pushTime, failureTime);
            List<Family> locked = locks(replaced, pushTime, failureTime);
            locked.forEach(f -> f.lock.lock());
            try {
                return check(group, fresh, replaced, pushTime, failureTime, nowMillis);
            } finally {
                locked.forEach(f -> f.lock.unlock());
            }
        }
    }

    /**
     * Sets the group's {@code push_failure_time_seconds} to now after a refused push (creating the group, with a
     * {@code push_time_seconds} of 0, when it is new), if those families exist as gauges and there is room.
     */
    void recordFailure(long nowMillis) {
        synchronized (registry.structure) {
            Group group = groups.current(key, partition);
            boolean fresh = group == null;
            if (fresh) {
                group = new Group(key, partition);
            }
            Family pushTime = ownFamily(Group.PUSH_TIME, Group.PUSH_TIME_HELP);
            Family failureTime = ownFamily(Group.PUSH_FAILURE_TIME, Group.PUSH_FAILURE_TIME_HELP);
            if (pushTime == null || failureTime == null) {
                return;
            }
            int reserved = fresh ? 2 : 0;
            if (reserved > 0 && !cap.reserve(reserved)) {
                return;
            }
            List<Family> locked = locks(Set.of(), pushTime, failureTime);
            locked.forEach(f -> f.lock.lock());
            try {
                plan.publish();
                int net = put(
                        group,
                        failureTime,
                        GroupSeries.gauge(group.ownLabels(), nowMillis / 1000.0, group, nowMillis),
                        nowMillis);
                if (group.series(pushTime).isEmpty()) {
                    net += put(group, pushTime, GroupSeries.gauge(group.ownLabels(), 0, group, nowMillis), nowMillis);
                }
                pushTime.offerHelp(Group.PUSH_TIME_HELP);
                failureTime.offerHelp(Group.PUSH_FAILURE_TIME_HELP);
                groups.put(key, group);
                cap.adjust(net - reserved);
            } finally {
                locked.forEach(f -> f.lock.unlock());
            }
        }
    }

    /** The family of one of the group's own gauges: existing or planned; {@code null} when its name is taken. */
    private Family ownFamily(String name, String help) {
        Sample gauge = new Sample().type(MetricType.GAUGE).name(name).help(help).value(0);
        return plan.resolve(gauge).family();
    }

    /** The group's families this push replaces: all (PUT) or the pushed ones (POST); never its own two. */
    private Set<Family> replacedFamilies(Group group, Family pushTime, Family failureTime) {
        Set<Family> replaced = new LinkedHashSet<>();
        if (replaceAll) {
            replaced.addAll(group.families());
        } else {
            for (Family target : targets) {
                if (group.families().contains(target)) {
                    replaced.add(target);
                }
            }
        }
        replaced.remove(pushTime);
        replaced.remove(failureTime);
        return replaced;
    }

    private List<Family> locks(Set<Family> replaced, Family pushTime, Family failureTime) {
        IdentityHashMap<Family, Boolean> distinct = new IdentityHashMap<>();
        for (Family f : targets) {
            distinct.put(f, true);
        }
        replaced.forEach(f -> distinct.put(f, true));
        distinct.put(pushTime, true);
        distinct.put(failureTime, true);
        List<Family> ordered = new ArrayList<>();
        for (Family f : distinct.keySet()) {
            if (!plan.creates(f)) {
                ordered.add(f);
            }
        }
        ordered.sort(Comparator.comparing(Family::name));
        return ordered;
    }

    private PushResult check(
            Group group, boolean fresh, Set<Family> replaced, Family pushTime, Family failureTime, long nowMillis) {
        IdentityHashMap<Family, Set<LabelSet>> pushed = new IdentityHashMap<>();
        IdentityHashMap<Family, Integer> addedIn = new IdentityHashMap<>();
        int added = 0;
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            Family family = targets[i];
            if (family.rule().drop()) {
                continue;
            }
            LabelSet labels = LabelSet.of(sample);
            if (family == pushTime || family == failureTime) { // once accepted, its repeat would conflict
                return PushResult.refused(i, RejectReason.INVALID_NAME, "series " + family.name() + labels + OWN);
            }
            if (!pushed.computeIfAbsent(family, f -> new HashSet<>()).add(labels)) {
                return PushResult.refused(
                        i,
                        RejectReason.INVALID_MESSAGE,
                        "series " + family.name() + labels + " appears twice in the push"
                                + family.rule().collapseNote());
            }
            Series existing = plan.creates(family) ? null : family.findAnywhere(labels, partition);
            if (existing == null) {
                added++;
                addedIn.merge(family, 1, Integer::sum);
            } else if (existing.group() != group || !replaced.contains(family)) {
                return PushResult.refused(
                        i,
                        RejectReason.TYPE_CONFLICT,
                        "series " + family.name() + labels
                                + (existing.group() == null
                                        ? " is aggregated from other samples"
                                        : " was pushed before by the group "
                                                + existing.group().key()));
            }
        }
        int removed = 0;
        for (Family family : replaced) {
            Set<LabelSet> again = pushed.getOrDefault(family, Set.of());
            for (GroupSeries s : group.series(family)) {
                removed += again.contains(s.labels()) ? 0 : 1;
            }
        }
        if (fresh) {
            added += 2; // push_time_seconds and push_failure_time_seconds
        }
        Refusal overQuota = SampleApplier.quotaRefusal(addedIn, registry.credentials(), samples);
        if (overQuota != null) {
            return new PushResult(0, 0, overQuota);
        }
        int reserved = Math.max(0, added - removed);
        if (reserved > 0 && !cap.reserve(reserved)) {
            return PushResult.refused(
                    0,
                    RejectReason.SERIES_LIMIT,
                    "series limit of " + cap.max() + " reached; this push would add " + reserved
                            + " series, nothing applied");
        }
        commit(group, replaced, pushed, pushTime, failureTime, reserved, nowMillis);
        return new PushResult(samples.size(), -1, null);
    }

    /** Applies the checked push; the series count moves by what was really added and removed. */
    private void commit(
            Group group,
            Set<Family> replaced,
            Map<Family, Set<LabelSet>> pushed,
            Family pushTime,
            Family failureTime,
            int reserved,
            long nowMillis) {
        plan.publish();
        int net = 0;
        for (Family family : replaced) {
            Set<LabelSet> again = pushed.getOrDefault(family, Set.of());
            for (GroupSeries s : group.series(family)) {
                if (!again.contains(s.labels())) {
                    net -= group.drop(family, s);
                }
            }
        }
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            Family family = targets[i];
            if (family.rule().drop()) {
                continue;
            }
            family.offerHelp(sample.help());
            LabelSet labels = family.labelsOf(sample);
            GroupSeries series = GroupSeries.of(family.type(), labels, sample, group, nowMillis);
            if (put(group, family, series, nowMillis) == 1) {
                net++;
                registry.credentials().created(sample.credential(), series);
            }
        }
        pushTime.offerHelp(Group.PUSH_TIME_HELP);
        failureTime.offerHelp(Group.PUSH_FAILURE_TIME_HELP);
        net += put(
                group, pushTime, GroupSeries.gauge(group.ownLabels(), nowMillis / 1000.0, group, nowMillis), nowMillis);
        if (group.series(failureTime).isEmpty()) {
            net += put(group, failureTime, GroupSeries.gauge(group.ownLabels(), 0, group, nowMillis), nowMillis);
        }
        groups.put(key, group);
        cap.adjust(net - reserved);
    }

    /**
     * Puts a series in its family in place of the group's own of the same labels, if any.
     *
     * @return 1 when it is a new series, 0 when it replaced one
     */
    private int put(Group group, Family family, GroupSeries series, long nowMillis) {
        if (pushTtl != Sample.NO_TTL) {
            series.ownTtl(pushTtl);
        }
        Series old = family.replace(partition, series);
        if (old != null) {
            old.markRemoved();
            if (old instanceof GroupSeries own) {
                own.group().forget(family, own);
            }
        }
        group.put(family, series, nowMillis);
        return old == null ? 1 : 0;
    }
}
