package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.Names;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's families, by name and by every name they expose (docs/semantics.md): finding a sample's family
 * without locking, and creating or retiring one under {@link #structure}, so that no two families ever share an
 * exposed name and a family's type never changes while it has series.
 */
final class FamilyRegistry {
    /** Held to create, retire or restore a family, and by a push while it is checked and applied. */
    final Object structure = new Object();
    /** Every name a family exposes (family name, sample names) mapped to that family. */
    private final ConcurrentHashMap<String, Family> byExposedName = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, Family> byName = new ConcurrentHashMap<>();
    private volatile Set<String> reserved = Set.of();
    private final FamilyRules rules;
    private final CredentialQuotas credentials;
    private final LongAdder droppedByRule = new LongAdder();

    FamilyRegistry(StoreRules rules) {
        this.rules = rules.families();
        this.credentials = rules.credentials();
    }

    /** The series quotas of the credentials that push. */
    CredentialQuotas credentials() {
        return credentials;
    }

    /** Whether the family's rule drops its samples: each one asked about is counted. */
    boolean drops(Family family) {
        if (family.rule().drop()) {
            droppedByRule.increment();
            return true;
        }
        return false;
    }

    /** How many samples were dropped by their family's rule. */
    long droppedByRule() {
        return droppedByRule.sum();
    }

    /** A family to use for a sample, or why there is none. */
    record Resolution(Family family, Refusal refusal) {}

    void reserve(Set<String> names) {
        this.reserved = Set.copyOf(names);
    }

    /** The live family the sample belongs to, found without locking; {@code null} to resolve under the lock. */
    Family existing(Sample sample) {
        Family family = byExposedName.get(sample.name());
        return family != null && accepts(family, sample) && !family.isRetired() ? family : null;
    }

    /** The sample's family, created when there is none and nothing stands in the way. */
    Resolution resolve(Sample sample) {
        synchronized (structure) {
            Family family = byExposedName.get(sample.name());
            if (family != null) {
                return accepts(family, sample)
                        ? new Resolution(family, null)
                        : new Resolution(null, new Refusal(RejectReason.TYPE_CONFLICT, conflict(family, sample)));
            }
            String name = Names.familyName(sample.type(), sample.name());
            List<String> exposed = Names.exposedNames(sample.type(), name);
            Refusal refusal = creationRefusal(sample, name, exposed, Map.of());
            if (refusal != null) {
                return new Resolution(null, refusal);
            }
            Family created = newFamily(name, sample.type(), exposed);
            publish(created);
            return new Resolution(created, null);
        }
    }

    /** The family exposing this name, or {@code null}; under {@code structure} it is not retired. */
    Family byExposedName(String name) {
        return byExposedName.get(name);
    }

    /** Whether the sample belongs to this family: same type, and its name is the family's (or x_total for x). */
    static boolean accepts(Family family, Sample sample) {
        return family.type() == sample.type()
                && Names.familyName(sample.type(), sample.name()).equals(family.name());
    }

    static String conflict(Family family, Sample sample) {
        String kind = family.type().wireName();
        if (family.type() != sample.type()
                && Names.familyName(family.type(), sample.name()).equals(family.name())) {
            return "metric \"" + family.name() + "\" is " + withArticle(kind) + ", not "
                    + withArticle(sample.type().wireName());
        }
        return "name \"" + sample.name() + "\" collides with " + kind + " \"" + family.name() + "\"";
    }

    private static String withArticle(String kind) {
        return (kind.startsWith("u") ? "an " : "a ") + kind;
    }

    /**
     * Why a family exposing these names may not be created, or {@code null} when it may. {@code alsoTaken}
     * holds names about to be taken by families not created yet (a push's own).
     */
    Refusal creationRefusal(Sample sample, String name, List<String> exposed, Map<String, Family> alsoTaken) {
        String invalid = Names.invalidName(sample.type(), sample.name());
        if (invalid != null) { // the parsers check this first; the store is the last gate before the exposition
            return new Refusal(RejectReason.INVALID_NAME, invalid);
        }
        for (String candidate : exposed) {
            if (reserved.contains(candidate)) {
                return new Refusal(
                        RejectReason.INVALID_NAME,
                        "name \"" + sample.name() + "\" is reserved for the gateway's own metrics");
            }
            Family other = byExposedName.get(candidate);
            if (other == null) {
                other = alsoTaken.get(candidate);
            }
            if (other != null) {
                return new Refusal(
                        RejectReason.TYPE_CONFLICT,
                        sample.type().wireName() + " \"" + name + "\" would collide with "
                                + other.type().wireName() + " \"" + other.name() + "\"");
            }
        }
        return null;
    }

    /** Makes a new family visible; under {@code structure}. */
    void publish(Family family) {
        for (String candidate : family.exposedNames()) {
            byExposedName.put(candidate, family);
        }
        byName.put(family.name(), family);
    }

    /** Forgets a family left without series, freeing its names and type. */
    void retireIfEmpty(Family family) {
        synchronized (structure) {
            if (byName.get(family.name()) == family && family.retireIfEmpty()) {
                byName.remove(family.name(), family);
                for (String name : family.exposedNames()) {
                    byExposedName.remove(name, family);
                }
            }
        }
    }

    /**
     * The family a checkpoint's series of this name and type goes to: the live one, or a new one when its names
     * are free; {@code null} when another family (or the gateway's own metrics) holds one of them. Under
     * {@code structure}.
     */
    Family forRestore(String name, MetricType type) {
        Family family = byName.get(name);
        if (family != null) {
            return family.type() == type ? family : null;
        }
        List<String> exposed = Names.exposedNames(type, name);
        if (!isFree(exposed) || exposed.stream().anyMatch(reserved::contains)) {
            return null;
        }
        Family created = newFamily(name, type, exposed);
        publish(created);
        return created;
    }

    /** A family not published yet, with the rule of its name. */
    Family newFamily(String name, MetricType type, List<String> exposed) {
        return new Family(name, type, exposed, rules.ruleOf(name, type));
    }

    /** Whether a family with these exposed names could be published now (for restoring a snapshot). */
    boolean isFree(List<String> exposed) {
        return exposed.stream().noneMatch(byExposedName::containsKey);
    }

    Collection<Family> all() {
        return byName.values();
    }

    Family byName(String name) {
        return byName.get(name);
    }

    int size() {
        return byName.size();
    }
}
