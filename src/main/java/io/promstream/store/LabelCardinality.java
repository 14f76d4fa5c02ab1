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
 * status request, never on the hot path or a scrape. Values are counted up to {@code maxValues} per name (then
 * reported as that many, {@code capped}); at most {@link #MAX_NAMES} names are counted, the first ones met.
 */
public final class LabelCardinality {
    /** The most label names a scan counts. */
    static final int MAX_NAMES = 10_000;

    /** A label name, its distinct values (at least that many when {@code capped}), and the series carrying it. */
    public record LabelStat(String name, int values, boolean capped, int series) {}

    private static final Comparator<LabelStat> MOST_VALUES_FIRST = Comparator.comparingInt(LabelStat::values)
            .reversed()
            .thenComparing(Comparator.comparingInt(LabelStat::series).reversed())
            .thenComparing(LabelStat::name);

    private LabelCardinality() {}

    /** The {@code top} label names by distinct values, then by series carrying them, then by name. */
    public static List<LabelStat> scan(MetricStore store, int top, int maxValues) {
        Map<String, Set<String>> values = new HashMap<>();
        Map<String, int[]> series = new HashMap<>();
        for (Family family : store.families()) {
            for (Series one : family.series()) {
                LabelSet labels = one.labels();
                for (int i = 0; i < labels.size(); i++) {
                    String name = labels.name(i);
                    Set<String> seen = values.get(name);
                    if (seen == null) {
                        if (values.size() >= MAX_NAMES) {
                            continue;
                        }
                        seen = new HashSet<>();
                        values.put(name, seen);
                        series.put(name, new int[1]);
                    }
                    if (seen.size() < maxValues) {
                        seen.add(labels.value(i));
                    }
                    series.get(name)[0]++;
                }
            }
        }
        List<LabelStat> out = new ArrayList<>(values.size());
        values.forEach((name, seen) ->
                out.add(new LabelStat(name, seen.size(), seen.size() >= maxValues, series.get(name)[0])));
        out.sort(MOST_VALUES_FIRST);
        return List.copyOf(out.subList(0, Math.min(top, out.size())));
    }
}
