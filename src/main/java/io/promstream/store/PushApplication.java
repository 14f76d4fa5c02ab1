package io.promstream.store;

import io.promstream.parse.Names;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One push applied all or nothing ({@link MetricStore#applyAll}). Under the store's {@code structure} lock, so
 * that no family is created, retired or retyped meanwhile, it plans the push's families (existing ones, and new
 * ones checked against the store and against each other), then takes the lock of every existing family it
 * touches (in name order), so that nobody else creates series in them, and checks every series: layouts,
 * overflow, and room for the new ones under the series cap, which it reserves. Only then does it apply. A reset
 * may still remove a series between the check and the update; the sample then goes to a fresh series, as for
 * any sample.
 */
final class PushApplication {
    private final MetricStore store;
    private final List<Sample> samples;
    private final Family[] targets;
    /** Families the push creates, by every name they expose; published only once the push is accepted. */
    private final Map<String, Family> planned = new HashMap<>();
    private final Set<Family> creating = new HashSet<>();

    PushApplication(MetricStore store, List<Sample> samples) {
        this.store = store;
        this.samples = samples;
        this.targets = new Family[samples.size()];
    }

    MetricStore.PushResult apply(long nowMillis) {
        synchronized (store.structure) {
            Sample refused = planFamilies();
            if (refused != null) {
                return new MetricStore.PushResult(0, refused);
            }
            List<Family> locked = existingTargets();
            locked.forEach(f -> f.lock.lock());
            try {
                Series[] series = new Series[samples.size()];
                int created = checkSeries(series);
                if (created < 0) {
                    return new MetricStore.PushResult(0, samples.get(-created - 1));
                }
                if (!store.reserveSeries(created)) {
                    Sample first = firstCreating(series);
                    first.reject(RejectReason.SERIES_LIMIT, "series limit of " + store.settings().maxSeries()
                            + " reached; this push would create " + created + " series, nothing applied");
                    return new MetricStore.PushResult(0, first);
                }
                return commit(series, nowMillis);
            } finally {
                locked.forEach(f -> f.lock.unlock());
            }
        }
    }

    /** Finds or plans each sample's family; the first conflict refuses the push. */
    private Sample planFamilies() {
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            Family family = store.byExposedName(sample.name());
            if (family == null) {
                family = planned.get(sample.name());
            }
            if (family != null) {
                if (!MetricStore.accepts(family, sample)) {
                    sample.reject(RejectReason.TYPE_CONFLICT, MetricStore.conflict(family, sample));
                    return sample;
                }
            } else {
                String name = Names.familyName(sample.type(), sample.name());
                List<String> exposed = Names.exposedNames(sample.type(), name);
                if (!store.canCreate(sample, name, exposed, planned)) {
                    return sample;
                }
                family = new Family(name, sample.type(), exposed);
                for (String candidate : exposed) {
                    planned.put(candidate, family);
                }
                creating.add(family);
            }
            targets[i] = family;
        }
        return null;
    }

    private List<Family> existingTargets() {
        Map<Family, Boolean> distinct = new IdentityHashMap<>();
        for (Family family : targets) {
            if (!creating.contains(family)) {
                distinct.put(family, true);
            }
        }
        List<Family> ordered = new ArrayList<>(distinct.keySet());
        ordered.sort(Comparator.comparing(Family::name));
        return ordered;
    }

    /**
     * Finds each sample's series ({@code null} = to be created) and checks what applying would do.
     *
     * @return how many series the push creates, or {@code -(index + 1)} of the first refused sample
     */
    private int checkSeries(Series[] series) {
        Map<Family, Set<LabelSet>> seen = new IdentityHashMap<>();
        int created = 0;
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            Family family = targets[i];
            if (!seen.computeIfAbsent(family, f -> new HashSet<>()).add(LabelSet.of(sample))) {
                sample.reject(RejectReason.INVALID_MESSAGE, "series " + sample.name() + " appears twice in the push");
                return -(i + 1);
            }
            Series existing = creating.contains(family) ? null : family.series.get(store.probe(sample));
            Series.Applied outcome = existing == null ? Series.Applied.OK : existing.check(sample);
            if (outcome == Series.Applied.REMOVED) {
                existing = null; // a reset is removing it: the push creates it again
            } else if (store.settle(sample, outcome) == Boolean.FALSE) {
                return -(i + 1);
            }
            series[i] = existing;
            created += existing == null ? 1 : 0;
        }
        return created;
    }

    private Sample firstCreating(Series[] series) {
        for (int i = 0; i < series.length; i++) {
            if (series[i] == null) {
                return samples.get(i);
            }
        }
        throw new IllegalStateException("no series to create");
    }

    /** Applies every sample; the room for new series is reserved, and the families are locked. */
    private MetricStore.PushResult commit(Series[] series, long nowMillis) {
        creating.forEach(store::publish);
        int applied = 0;
        Sample refused = null;
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            Family family = targets[i];
            family.offerHelp(sample.help());
            Series target = series[i];
            while (true) {
                if (target == null) {
                    target = create(family, sample, nowMillis);
                }
                Boolean ok = store.settle(sample, target.apply(sample, nowMillis));
                if (ok != null) {
                    applied += ok ? 1 : 0;
                    refused = ok || refused != null ? refused : sample; // only a concurrent overflow gets here
                    break;
                }
                // removed by a reset since the check: a fresh one, as apply() does, in the room the removed one left
                store.unlink(family, target);
                store.countSeries();
                target = null;
            }
        }
        return new MetricStore.PushResult(applied, refused);
    }

    /** A series whose room was reserved; nobody else can add it, as the push holds its family's lock. */
    private Series create(Family family, Sample sample, long nowMillis) {
        Series existing = family.series.get(store.probe(sample));
        if (existing != null) { // a reset is removing it: replace it (it gives back its own room)
            store.unlink(family, existing);
        }
        LabelSet labels = LabelSet.of(sample);
        Series created = store.newSeries(family, labels, sample, nowMillis);
        family.series.put(labels, created);
        return created;
    }
}
