package io.promstream.tasks;

import io.dropwizard.util.Duration;
import io.promstream.parse.Names;
import io.promstream.store.Family;
import io.promstream.store.LabelSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which series {@code reset-series} removes: every given selector must match (AND). {@code name=...} may
 * repeat (any of them), {@code label=key=value} may repeat (all of them), {@code olderThan} is a duration. No
 * selector at all selects every series.
 */
public record SeriesSelection(Set<String> names, List<String[]> labels, Long olderThanMillis) {
    private static final Set<String> KNOWN = Set.of("name", "label", "olderThan");

    /** Parses task parameters; a bad one throws {@link TaskError} before anything is removed. */
    public static SeriesSelection parse(Map<String, List<String>> parameters) {
        for (String key : parameters.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new TaskError("unknown parameter \"" + key + "\"; use name, label or olderThan");
            }
        }
        Set<String> names = Set.copyOf(parameters.getOrDefault("name", List.of()));
        List<String[]> labels = new ArrayList<>();
        for (String label : parameters.getOrDefault("label", List.of())) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw new TaskError("label must be key=value, got \"" + label + "\"");
            }
            labels.add(new String[] {label.substring(0, eq), label.substring(eq + 1)});
        }
        Long olderThan = null;
        List<String> ages = parameters.getOrDefault("olderThan", List.of());
        if (ages.size() > 1) {
            throw new TaskError("olderThan may be given once");
        }
        if (!ages.isEmpty()) {
            try {
                olderThan = Duration.parse(ages.get(0)).toMilliseconds();
            } catch (IllegalArgumentException e) {
                throw new TaskError("olderThan must be a duration like 30s, 15m or 2h, got \"" + ages.get(0) + "\"");
            }
        }
        return new SeriesSelection(names, labels, olderThan);
    }

    /** Families named by {@code name} (a counter also by its {@code _total} name); all when none given. */
    public Predicate<Family> families() {
        return family -> names.isEmpty()
                || names.stream()
                        .anyMatch(n -> Names.familyName(family.type(), n).equals(family.name()));
    }

    /** Series carrying every given label; {@code key=} matches series without that label. */
    public Predicate<LabelSet> series() {
        return set -> labels.stream().allMatch(label -> set.has(label[0], label[1]));
    }

    /** The last-update time at or before which a series counts as old enough, given the time now. */
    public long notUpdatedSince(long nowMillis) {
        return olderThanMillis == null ? Long.MAX_VALUE : nowMillis - olderThanMillis;
    }
}
