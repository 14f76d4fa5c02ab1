package io.promstream.ingest;

import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import io.promstream.parse.TextFamily;
import io.promstream.parse.TextFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a parsed text-format push into store samples: counters add, gauges and untyped replace, a
 * histogram becomes one whole-histogram sample per series (added bucket-wise), a summary one
 * {@code _count}/{@code _sum} sample per series (its quantiles cannot be aggregated and are dropped).
 * {@code _created} samples and the {@code _created} gauges client libraries emit are ignored. The grouping
 * key's labels are added to every series; a pushed label of the same name is an error.
 */
public final class PushConverter {
    private PushConverter() {
    }

    public static List<Sample> convert(List<TextFamily> families, GroupingKey key) throws TextFormatException {
        Set<String> aggregateFamilies = new java.util.HashSet<>();
        for (TextFamily family : families) {
            switch (family.type()) {
                case "counter" -> {
                    aggregateFamilies.add(family.name());
                    aggregateFamilies.add(stripTotal(family.name()));
                }
                case "histogram", "summary" -> aggregateFamilies.add(family.name());
                default -> { }
            }
        }
        List<Sample> out = new ArrayList<>();
        for (TextFamily family : families) {
            switch (family.type()) {
                case "counter" -> counters(family, key, out);
                case "histogram" -> histograms(family, key, out);
                case "summary" -> summaries(family, key, out);
                default -> {
                    String name = family.name();
                    if (name.endsWith("_created")
                            && aggregateFamilies.contains(name.substring(0, name.length() - "_created".length()))) {
                        continue; // client libraries' creation-time gauges
                    }
                    gauges(family, key, out);
                }
            }
        }
        return out;
    }

    private static void counters(TextFamily family, GroupingKey key, List<Sample> out) throws TextFormatException {
        for (TextFamily.Point p : family.points()) {
            if (p.name().endsWith("_created")) {
                continue;
            }
            if (!(p.value() >= 0) || Double.isInfinite(p.value())) {
                throw new TextFormatException(p.line(), "a counter's value must be finite and >= 0, got " + p.value());
            }
            out.add(sample(MetricType.COUNTER, stripTotal(family.name()), family, p, key, null).value(p.value()));
        }
    }

    private static void gauges(TextFamily family, GroupingKey key, List<Sample> out) throws TextFormatException {
        for (TextFamily.Point p : family.points()) {
            if (!Double.isFinite(p.value())) {
                throw new TextFormatException(p.line(), "a gauge's value must be finite, got " + p.value());
            }
            out.add(sample(MetricType.GAUGE, family.name(), family, p, key, null).value(p.value()));
        }
    }

    /** Points of one series of a histogram or summary, grouped by their labels without le/quantile. */
    private static Map<List<String>, List<TextFamily.Point>> bySeries(TextFamily family, String extraLabel) {
        Map<List<String>, List<TextFamily.Point>> series = new LinkedHashMap<>();
        for (TextFamily.Point p : family.points()) {
            if (p.name().endsWith("_created")) {
                continue;
            }
            List<String> identity = new ArrayList<>();
            TreeMap<String, String> sorted = new TreeMap<>();
            for (int i = 0; i < p.labelNames().size(); i++) {
                if (!p.labelNames().get(i).equals(extraLabel)) {
                    sorted.put(p.labelNames().get(i), p.labelValues().get(i));
                }
            }
            sorted.forEach((k, v) -> {
                identity.add(k);
                identity.add(v);
            });
            series.computeIfAbsent(identity, k -> new ArrayList<>()).add(p);
        }
        return series;
    }

    private static void histograms(TextFamily family, GroupingKey key, List<Sample> out) throws TextFormatException {
        String name = family.name();
        for (List<TextFamily.Point> points : bySeries(family, "le").values()) {
            TreeMap<Double, Long> buckets = new TreeMap<>();
            Double sum = null;
            Long count = null;
            TextFamily.Point first = points.get(0);
            for (TextFamily.Point p : points) {
                if (p.name().equals(name + "_bucket")) {
                    String le = p.label("le");
                    if (le == null) {
                        throw new TextFormatException(p.line(), name + "_bucket without an le label");
                    }
                    double bound = io.promstream.parse.TextFormatParser.parseBound(le, p.line());
                    if (buckets.put(bound, whole(p)) != null) {
                        throw new TextFormatException(p.line(), "duplicate bucket le=\"" + le + "\"");
                    }
                } else if (p.name().equals(name + "_sum")) {
                    if (Double.isNaN(p.value()) || Double.isInfinite(p.value())) {
                        throw new TextFormatException(p.line(), "a histogram's sum must be finite");
                    }
                    sum = p.value();
                } else if (p.name().equals(name + "_count")) {
                    count = whole(p);
                } else {
                    throw new TextFormatException(p.line(), "unexpected sample " + p.name() + " in histogram " + name);
                }
            }
            Long inf = buckets.remove(Double.POSITIVE_INFINITY);
            if (inf == null) {
                throw new TextFormatException(first.line(), "histogram " + name + " has no le=\"+Inf\" bucket");
            }
            if (count != null && !count.equals(inf)) {
                throw new TextFormatException(first.line(), name + "_count " + count + " differs from its +Inf bucket " + inf);
            }
            double[] bounds = new double[buckets.size()];
            long[] cumulative = new long[buckets.size()];
            int i = 0;
            long previous = 0;
            for (Map.Entry<Double, Long> e : buckets.entrySet()) {
                if (e.getValue() < previous) {
                    throw new TextFormatException(first.line(), "histogram " + name + " buckets are not cumulative");
                }
                bounds[i] = e.getKey();
                cumulative[i++] = e.getValue();
                previous = e.getValue();
            }
            if (inf < previous) {
                throw new TextFormatException(first.line(), "histogram " + name + " buckets are not cumulative");
            }
            if (bounds.length == 0) {
                throw new TextFormatException(first.line(), "histogram " + name + " needs at least one finite bucket");
            }
            Sample sample = sample(MetricType.HISTOGRAM, name, family, first, key, "le");
            out.add(sample.mergeHistogram(bounds, cumulative, inf, sum == null ? 0 : sum));
        }
    }

    private static void summaries(TextFamily family, GroupingKey key, List<Sample> out) throws TextFormatException {
        String name = family.name();
        for (List<TextFamily.Point> points : bySeries(family, "quantile").values()) {
            double sum = 0;
            long count = 0;
            TextFamily.Point first = points.get(0);
            for (TextFamily.Point p : points) {
                if (p.name().equals(name + "_sum")) {
                    if (Double.isNaN(p.value()) || Double.isInfinite(p.value())) {
                        throw new TextFormatException(p.line(), "a summary's sum must be finite");
                    }
                    sum = p.value();
                } else if (p.name().equals(name + "_count")) {
                    count = whole(p);
                } else if (!p.name().equals(name)) {
                    throw new TextFormatException(p.line(), "unexpected sample " + p.name() + " in summary " + name);
                }
            }
            out.add(sample(MetricType.SUMMARY, name, family, first, key, "quantile").mergeSummary(count, sum));
        }
    }

    private static long whole(TextFamily.Point p) throws TextFormatException {
        double v = p.value();
        if (!(v >= 0) || v > Long.MAX_VALUE || v != Math.rint(v)) {
            throw new TextFormatException(p.line(), p.name() + " must be a whole number >= 0, got " + v);
        }
        return (long) v;
    }

    private static Sample sample(MetricType type, String name, TextFamily family, TextFamily.Point p,
            GroupingKey key, String skipLabel) throws TextFormatException {
        Sample sample = new Sample().type(type).name(name).help(family.help());
        for (int i = 0; i < p.labelNames().size(); i++) {
            String labelName = p.labelNames().get(i);
            if (labelName.equals(skipLabel)) {
                continue;
            }
            if (key.labels().containsKey(labelName)) {
                throw new TextFormatException(p.line(), "label \"" + labelName + "\" is already set by the push path");
            }
            if (labelName.startsWith("__")) {
                throw new TextFormatException(p.line(), "label names starting with __ are reserved");
            }
            sample.label(labelName, p.labelValues().get(i));
        }
        key.labels().forEach(sample::label);
        String duplicate = sample.canonicalizeLabels();
        if (duplicate != null) {
            throw new TextFormatException(p.line(), "duplicate label \"" + duplicate + "\"");
        }
        String reserved = type.reservedLabel();
        for (int i = 0; i < sample.labelCount(); i++) {
            if (sample.labelName(i).equals(reserved)) {
                throw new TextFormatException(p.line(), "label \"" + reserved + "\" is reserved");
            }
        }
        return sample;
    }

    private static String stripTotal(String name) {
        return name.endsWith("_total") && name.length() > 6 ? name.substring(0, name.length() - 6) : name;
    }
}
