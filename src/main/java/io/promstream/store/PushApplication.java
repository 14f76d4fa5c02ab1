package io.promstream.store;

import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * One push applied all or nothing ({@link MetricStore#applyAll}). Under the registry's {@code structure} lock, so that
 * no family is created, retired or retyped meanwhile, it plans the push's families ({@link FamilyPlan}: existing ones,
 * and new ones checked against the store and against each other), then takes the lock of every existing family it
 * touches (in name order), so that nobody else creates series in them, and checks every series: layouts, overflow, and
 * room for the new ones under the series cap, which it reserves. Only then does it apply. A reset may still remove a
 * series between the check and the update; the sample then goes to a fresh series, as for any sample.
 */
final class PushApplication {
    private final SampleApplier applier;
    private final FamilyRegistry registry;
    private final SeriesCap cap;
    private final SeriesFactory factory;
    private final List<Sample> samples;
    private final IntToLongFunction versions;
    private final Partition partition;
    private final Family[] targets;
    /** The index of the sample whose series a sample adds to when its family's rule made them one, else -1. */
    private final int[] sameAs;

    private final FamilyPlan plan;

    PushApplication(
            SampleApplier applier,
            FamilyRegistry registry,
            SeriesCap cap,
            SeriesFactory factory,
            List<Sample> samples,
            IntToLongFunction versions,
            Partition partition) {
        this.applier = applier;
        this.registry = registry;
        this.cap = cap;
        this.factory = factory;
        this.samples = samples;
        this.versions = versions;
        this.partition = partition;
        this.targets = new Family[samples.size()];
        this.sameAs = new int[samples.size()];
        this.plan = new FamilyPlan(registry);
    }

    PushResult apply(long nowMillis) {
        synchronized (registry.structure) {
            PushResult refused = plan.resolveAll(samples, targets);
            if (refused != null) {
                return refused;
            }
            List<Family> locked = existingTargets();
            locked.forEach(f -> f.lock.lock());
            try {
                Series[] series = new Series[samples.size()];
                refused = checkSeries(series);
                if (refused != null) {
                    return refused;
                }
                int created = 0;
                IdentityHashMap<Family, Integer> createdIn = new IdentityHashMap<>();
                for (int i = 0; i < series.length; i++) {
                    if (series[i] == null && sameAs[i] < 0 && !targets[i].rule().drop()) {
                        created++;
                        createdIn.merge(targets[i], 1, Integer::sum);
                    }
                }
                Refusal overQuota = SampleApplier.quotaRefusal(createdIn, registry.credentials(), samples);
                if (overQuota != null) {
                    return new PushResult(0, firstCreating(series), overQuota);
                }
                if (!cap.reserve(created)) {
                    return PushResult.refused(
                            firstCreating(series),
                            RejectReason.SERIES_LIMIT,
                            "series limit of "
                                    + cap.max() + " reached; this push would create " + created
                                    + " series, nothing applied");
                }
                return commit(series, nowMillis);
            } finally {
                locked.forEach(f -> f.lock.unlock());
            }
        }
    }

    private List<Family> existingTargets() {
        IdentityHashMap<Family, Boolean> distinct = new IdentityHashMap<>();
        for (Family family : targets) {
            if (!plan.creates(family)) {
                distinct.put(family, true);
            }
        }
        List<Family> ordered = new ArrayList<>(distinct.keySet());
        ordered.sort(Comparator.comparing(Family::name));
        return ordered;
    }

    /**
     * Finds each sample's series ({@code null} = to be created) and checks what applying would do; samples whose
     * family's rule made them one series add to the first one's.
     */
    private PushResult checkSeries(Series[] series) {
        IdentityHashMap<Family, Map<LabelSet, Integer>> seen = new IdentityHashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            Family family = targets[i];
            sameAs[i] = -1;
            if (family.rule().drop()) {
                continue;
            }
            Integer first = seen.computeIfAbsent(family, f -> new HashMap<>()).putIfAbsent(LabelSet.of(sample), i);
            if (first != null) {
                if (!family.rule().collapses()) {
                    return PushResult.refused(
                            i, RejectReason.INVALID_MESSAGE, "series " + sample.name() + " appears twice in the push");
                }
                sameAs[i] = first;
                Series.Applied outcome = series[first] == null ? Series.Applied.OK : series[first].check(sample);
                Refusal refusal = outcome == Series.Applied.REMOVED ? null : SampleApplier.refusalOf(outcome);
                if (refusal != null) {
                    return new PushResult(0, i, refusal);
                }
                continue;
            }
            Series existing = plan.creates(family) ? null : family.find(applier.probe(sample), partition);
            Series.Applied outcome = existing == null ? Series.Applied.OK : existing.check(sample);
            if (outcome == Series.Applied.REMOVED) {
                existing = null; // a reset is removing it: the push creates it again
            } else {
                Refusal refusal = SampleApplier.refusalOf(outcome);
                if (refusal != null) {
                    return new PushResult(0, i, refusal);
                }
            }
            series[i] = existing;
        }
        return null;
    }

    /** The first sample that creates a series. */
    private int firstCreating(Series[] series) {
        for (int i = 0; i < series.length; i++) {
            if (series[i] == null && sameAs[i] < 0 && !targets[i].rule().drop()) {
                return i;
            }
        }
        throw new IllegalStateException("no series to create");
    }

    /** Applies every sample; the room for new series is reserved, and the families are locked. */
    private PushResult commit(Series[] series, long nowMillis) {
        plan.publish();
        int applied = 0;
        int refusedIndex = -1;
        Refusal refused = null;
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            Family family = targets[i];
            if (family.rule().drop()) {
                applied++;
                continue;
            }
            family.offerHelp(sample.help());
            Series target = sameAs[i] < 0 ? series[i] : series[sameAs[i]];
            while (true) {
                if (target == null) {
                    target = create(family, sample, nowMillis);
                }
                Series.Applied result = target.apply(sample, versions.applyAsLong(i), nowMillis);
                if (result != Series.Applied.REMOVED) {
                    Refusal refusal = applier.settle(result);
                    series[i] = target; // a sample that adds to this one's series finds it here
                    if (refusal == null) {
                        applied++;
                    } else if (refused == null) { // only a concurrent overflow gets here
                        refused = refusal;
                        refusedIndex = i;
                    }
                    break;
                }
                // removed by a reset since the check: a fresh one, as apply() does, in the room the removed one left
                cap.unlink(family, target);
                cap.countOne();
                target = null;
            }
        }
        return new PushResult(applied, refusedIndex, refused);
    }

    /** A series whose room was reserved; nobody else can add it, as the push holds its family's lock. */
    private Series create(Family family, Sample sample, long nowMillis) {
        Series existing = family.find(applier.probe(sample), partition);
        if (existing != null) { // a reset is removing it: replace it (it gives back its own room)
            cap.unlink(family, existing);
        }
        LabelSet labels = family.labelsOf(sample);
        Series created = factory.newSeries(family, labels, sample, nowMillis);
        Series added = family.add(labels, partition, created);
        if (added != created) { // a new family's series raced in by a sample applied meanwhile
            cap.adjust(-1);
        } else {
            registry.credentials().created(sample.credential(), created);
        }
        return added;
    }
}
