package io.promstream.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Label names by their distinct values over all families, counted by a scan over every series' labels: for a
 * status request, never on the hot path or a scrape. Values are counted up to {@code maxValues} per name and
 * {@link #MAX_VALUES_TOTAL} over all names (a name that had more is reported {@code capped}: at least that many);
 * at most {@link #MAX_NAMES} names are counted, the first ones met.
 */
public final class LabelCardinality {
    /** The most label names a scan counts. */
    static final int MAX_NAMES = 10_000;
    /** The most distinct values a scan holds over all label names. */
    static final int MAX_VALUES_TOTAL = 1_000_000;

    /** A label name, its distinct values (at least that many when {@code capped}), and the series carrying it. */
    public record LabelStat(String name, int values, boolean capped, int series) {}

    private static final Comparator<LabelStat> MOST_VALUES_FIRST = Comparator.comparingInt(LabelStat::values)
            .reversed()
            .thenComparing(Comparator.comparingInt(LabelStat::series).reversed())
            .thenComparing(LabelStat::name);

    /** What a scan counted of one label name. */
    private static final class Counted {
        final Set<String> values = new HashSet<>();
        int series;
        boolean capped;
    }

    private LabelCardinality() {}

    /** The {@code top} label names by distinct values, then by series carrying them, then by name. */
    public static List<LabelStat> scan(MetricStore store, int top, int maxValues) {
        Map<String, Counted> names = new HashMap<>();
        int total = 0;
        for (Family family : store.families()) {
            for (Series one : family.series()) {
                LabelSet labels = one.labels();
                for (int i = 0; i < labels.size(); i++) {
                    Counted counted = names.get(labels.name(i));
                    if (counted == null) {
                        if (names.size() >= MAX_NAMES) {
                            continue;
                        }
                        counted = new Counted();
                        names.put(labels.name(i), counted);
                    }
                    counted.series++;
                    if (counted.values.size() < maxValues && total < MAX_VALUES_TOTAL) {
                        total += counted.values.add(labels.value(i)) ? 1 : 0;
                    } else if (!counted.values.contains(labels.value(i))) {
                        counted.capped = true;
                    }
                }
            }
        }
        List<LabelStat> out = new ArrayList<>(names.size());
        names.forEach(
                (name, counted) -> out.add(new LabelStat(name, counted.values.size(), counted.capped, counted.series)));
        out.sort(MOST_VALUES_FIRST);
        return List.copyOf(out.subList(0, Math.min(top, out.size())));
    }
}
