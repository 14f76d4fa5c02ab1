package io.promstream.store;

import io.promstream.parse.Names;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The families one push goes to, planned under the registry's {@code structure} lock: existing ones, or new ones
 * checked against the store and against the push's other new ones, published only once the push is accepted.
 */
final class FamilyPlan {
    private final FamilyRegistry registry;
    /** Families the push creates, by every name they expose; published only once the push is accepted. */
    private final Map<String, Family> planned = new HashMap<>();

    private final Set<Family> creating = new HashSet<>();

    FamilyPlan(FamilyRegistry registry) {
        this.registry = registry;
    }

    /** The sample's family: existing, planned already, or planned now when nothing stands in the way; or why not. */
    FamilyRegistry.Resolution resolve(Sample sample) {
        Family family = registry.byExposedName(sample.name());
        if (family == null) {
            family = planned.get(sample.name());
        }
        if (family != null) {
            return FamilyRegistry.accepts(family, sample)
                    ? new FamilyRegistry.Resolution(family, null)
                    : new FamilyRegistry.Resolution(
                            null, new Refusal(RejectReason.TYPE_CONFLICT, FamilyRegistry.conflict(family, sample)));
        }
        String name = Names.familyName(sample.type(), sample.name());
        List<String> exposed = Names.exposedNames(sample.type(), name);
        Refusal refusal = registry.creationRefusal(sample, name, exposed, planned);
        if (refusal != null) {
            return new FamilyRegistry.Resolution(null, refusal);
        }
        family = registry.newFamily(name, sample.type(), exposed);
        for (String candidate : exposed) {
            planned.put(candidate, family);
        }
        creating.add(family);
        return new FamilyRegistry.Resolution(family, null);
    }

    /**
     * Finds or plans each sample's family into {@code targets}, and shapes the sample by its family's rule (a
     * sample its family drops is counted, and to be skipped); the first conflict refuses the push.
     */
    PushResult resolveAll(List<Sample> samples, Family[] targets) {
        for (int i = 0; i < samples.size(); i++) {
            FamilyRegistry.Resolution resolution = resolve(samples.get(i));
            if (resolution.refusal() != null) {
                return new PushResult(0, i, resolution.refusal());
            }
            targets[i] = resolution.family();
            if (!registry.drops(targets[i])) {
                targets[i].rule().shape(samples.get(i));
            }
        }
        return null;
    }

    /** Whether the push creates this family (not published yet: nobody else can reach it). */
    boolean creates(Family family) {
        return creating.contains(family);
    }

    /** Makes the families the push creates visible, once it is accepted; under {@code structure}. */
    void publish() {
        creating.forEach(registry::publish);
    }
}
