package io.promstream.store;

import io.promstream.parse.MetricType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the operator console shows of a family, computed when it asks and never by a scrape: the series with their
 * values and last update, the label names by cardinality, and a total whose growth is the family's rate.
 */
public final class FamilyInspection {
    private FamilyInspection() {}

    /** A consistent copy of one series and when a sample last changed it (Unix millis). */
    public record Row(SeriesSnapshot snapshot, long lastUpdatedMillis) {}

    /** The series matching {@code filter}, at most {@code limit} of them, and how many matched in all. */
    public record Rows(List<Row> rows, int matched) {}

    /** A label name: its distinct values, the series carrying it, and its most used values (value, series). */
    public record LabelName(String name, int values, int series, List<Map.Entry<String, Integer>> top) {}

    public static Rows series(Family family, Predicate<LabelSet> filter, int limit) {
        List<Row> rows = new ArrayList<>();
        int matched = 0;
        for (Series series : family.series()) {
            if (!filter.test(series.labels())) {
                continue;
            }
            matched++;
            if (rows.size() < limit) {
                rows.add(new Row(series.snapshot(), series.lastUpdatedMillis()));
            }
        }
        return new Rows(rows, matched);
    }

    /** The family's label names, most distinct values first, each with its {@code top} most used values. */
    public static List<LabelName> labelNames(Family family, int top) {
        Map<String, Map<String, Integer>> byName = new HashMap<>();
        for (Series series : family.series()) {
            LabelSet labels = series.labels();
            for (int i = 0; i < labels.size(); i++) {
                byName.computeIfAbsent(labels.name(i), n -> new HashMap<>()).merge(labels.value(i), 1, Integer::sum);
            }
        }
        List<LabelName> out = new ArrayList<>();
        byName.forEach((name, values) -> {
            List<Map.Entry<String, Integer>> sorted = new ArrayList<>(values.entrySet());
            sorted.sort(
                    Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            int series = sorted.stream().mapToInt(Map.Entry::getValue).sum();
            out.add(new LabelName(
                    name, values.size(), series, List.copyOf(sorted.subList(0, Math.min(top, sorted.size())))));
        });
        out.sort(Comparator.comparingInt(LabelName::values).reversed().thenComparing(LabelName::name));
        return out;
    }

    /**
     * What the family's rate is the growth of: a counter's or untyped family's summed values, a histogram's or
     * summary's observations; {@code NaN} for a gauge, whose growth means nothing.
     */
    public static double total(Family family) {
        if (family.type() == MetricType.GAUGE) {
            return Double.NaN;
        }
        double total = 0;
        for (Series series : family.series()) {
            SeriesSnapshot s = series.snapshot();
            total += family.type() == MetricType.COUNTER || family.type() == MetricType.UNTYPED ? s.value() : s.count();
        }
        return total;
    }
}
