package io.promstream.parse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the families of a pushed exposition into store samples: one per counter, gauge or untyped series, one
 * whole-histogram sample per histogram series, one whole-summary sample per summary series. What the store does
 * with them depends on the {@link PushMode}: to aggregate, untyped values add up and a summary keeps only
 * {@code _count} and {@code _sum} (quantiles from different processes cannot be combined), and a pushed label
 * that the path also sets is an error; to replace, a summary keeps its quantiles, the path's labels overwrite
 * pushed ones, and a series without an {@code instance} gets {@code instance=""}, as the Pushgateway does.
 * {@code _created} samples, and the {@code _created} gauges client libraries emit, are ignored either way. Every
 * sample passes {@link SampleValidator}, and a series may appear only once in a push; the first problem refuses
 * the push.
 */
final class PushConverter {
    private final Map<String, String> grouping;
    private final PushMode mode;
    private final Set<String> seen = new HashSet<>();

    private PushConverter(Map<String, String> grouping, PushMode mode) {
        this.grouping = grouping;
        this.mode = mode;
    }

    static List<Sample> convert(List<TextFamily> families, Map<String, String> grouping, PushMode mode)
            throws TextFormatException {
        try {
            return new PushConverter(grouping, mode).convert(families);
        } catch (TextFormatException e) {
            throw e.asReadable();
        }
    }

    private List<Sample> convert(List<TextFamily> families) throws TextFormatException {
        Set<String> aggregateFamilies = new HashSet<>();
        for (TextFamily family : families) {
            switch (family.type()) {
                case "counter" -> {
                    aggregateFamilies.add(family.name());
                    aggregateFamilies.add(Names.familyName(MetricType.COUNTER, family.name()));
                }
                case "histogram", "summary" -> aggregateFamilies.add(family.name());
                default -> {}
            }
        }
        List<Sample> out = new ArrayList<>();
        for (TextFamily family : families) {
            switch (family.type()) {
                case "counter" -> counters(family, out);
                case "histogram" -> histograms(family, out);
                case "summary" -> summaries(family, out);
                default -> {
                    String name = family.name();
                    if (name.endsWith("_created")
                            && aggregateFamilies.contains(name.substring(0, name.length() - "_created".length()))) {
                        continue; // client libraries' creation-time gauges
                    }
                    values(family, out);
                }
            }
        }
        return out;
    }

    private void counters(TextFamily family, List<Sample> out) throws TextFormatException {
        for (TextFamily.Point p : family.points()) {
            if (p.name().endsWith("_created")) {
                continue;
            }
            // the sample's own name (x or x_total, both family x), so that the counter name rules see it as sent
            out.add(finish(sample(MetricType.COUNTER, p.name(), family, p, null).value(p.value()), p));
        }
    }

    /** A gauge's or an untyped family's series, one sample each. */
    private void values(TextFamily family, List<Sample> out) throws TextFormatException {
        MetricType type = family.metricType();
        for (TextFamily.Point p : family.points()) {
            out.add(finish(sample(type, family.name(), family, p, null).value(p.value()), p));
        }
    }

    private void histograms(TextFamily family, List<Sample> out) throws TextFormatException {
        String name = family.name();
        for (List<TextFamily.Point> points : family.bySeries("le").values()) {
            TextFamily.Point first = points.get(0);
            if (first.nativeHistogram() != null) { // a protobuf push's native histogram, whole
                Sample sample = sample(MetricType.HISTOGRAM, name, family, first, "le");
                out.add(finish(sample.nativeHistogram(first.nativeHistogram()), first));
                continue;
            }
            TreeMap<Double, Long> buckets = new TreeMap<>();
            Double sum = null;
            Long count = null;
            for (TextFamily.Point p : points) {
                if (p.name().equals(name + "_bucket")) {
                    String le = p.label("le");
                    if (le == null) {
                        throw new TextFormatException(p.line(), name + "_bucket without an le label");
                    }
                    double bound = TextFormatParser.parseBound(le, p.line());
                    if (buckets.put(bound, whole(p)) != null) {
                        throw new TextFormatException(p.line(), "duplicate bucket le=\"" + le + "\"");
                    }
                } else if (p.name().equals(name + "_sum")) {
                    once(sum, p);
                    if (!Double.isFinite(p.value())) {
                        throw new TextFormatException(
                                p.line(), RejectReason.INVALID_VALUE, "a histogram's sum must be finite");
                    }
                    sum = p.value();
                } else if (p.name().equals(name + "_count")) {
                    once(count, p);
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
                throw new TextFormatException(
                        first.line(), name + "_count " + count + " differs from its +Inf bucket " + inf);
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
            Sample sample = sample(MetricType.HISTOGRAM, name, family, first, "le");
            out.add(finish(sample.aggregateHistogram(bounds, cumulative, inf, sum == null ? 0 : sum), first));
        }
    }

    private void summaries(TextFamily family, List<Sample> out) throws TextFormatException {
        String name = family.name();
        for (List<TextFamily.Point> points : family.bySeries("quantile").values()) {
            Double sum = null;
            Long count = null;
            TreeMap<Double, Double> quantiles = new TreeMap<>();
            TextFamily.Point first = points.get(0);
            for (TextFamily.Point p : points) {
                if (p.name().equals(name + "_sum")) {
                    once(sum, p);
                    if (!Double.isFinite(p.value())) {
                        throw new TextFormatException(
                                p.line(), RejectReason.INVALID_VALUE, "a summary's sum must be finite");
                    }
                    sum = p.value();
                } else if (p.name().equals(name + "_count")) {
                    once(count, p);
                    count = whole(p);
                } else if (p.name().equals(name)) {
                    String q = p.label("quantile");
                    if (q == null) {
                        throw new TextFormatException(p.line(), name + " without a quantile label");
                    }
                    if (quantiles.put(TextFormatParser.parseBound(q, p.line()), p.value()) != null) {
                        throw new TextFormatException(p.line(), "duplicate quantile=\"" + q + "\"");
                    }
                } else {
                    throw new TextFormatException(p.line(), "unexpected sample " + p.name() + " in summary " + name);
                }
            }
            Sample sample = sample(MetricType.SUMMARY, name, family, first, "quantile");
            long n = count == null ? 0 : count;
            double total = sum == null ? 0 : sum;
            if (mode == PushMode.AGGREGATE) {
                // quantiles from different processes cannot be combined: only count and sum are kept
                sample.aggregateSummary(new double[0], null, n, total);
            } else {
                double[] targets = new double[quantiles.size()];
                double[] values = new double[quantiles.size()];
                int i = 0;
                for (Map.Entry<Double, Double> e : quantiles.entrySet()) {
                    targets[i] = e.getKey();
                    values[i++] = e.getValue();
                }
                sample.aggregateSummary(targets, values, n, total);
            }
            out.add(finish(sample, first));
        }
    }

    /** Refuses a {@code _sum} or {@code _count} given twice for one series. */
    private static void once(Object seen, TextFamily.Point p) throws TextFormatException {
        if (seen != null) {
            throw new TextFormatException(p.line(), "a second " + p.name() + " for the same series");
        }
    }

    private static long whole(TextFamily.Point p) throws TextFormatException {
        double v = p.value();
        if (!(v >= 0) || v > Long.MAX_VALUE || v != Math.rint(v)) {
            throw new TextFormatException(
                    p.line(), RejectReason.INVALID_VALUE, p.name() + " must be a whole number >= 0, got " + v);
        }
        return (long) v;
    }

    private Sample sample(MetricType type, String name, TextFamily family, TextFamily.Point p, String skipLabel)
            throws TextFormatException {
        Sample sample = new Sample().type(type).name(name).help(family.help());
        for (int i = 0; i < p.labelNames().size(); i++) {
            String labelName = p.labelNames().get(i);
            if (labelName.equals(skipLabel)) {
                continue;
            }
            if (grouping.containsKey(labelName)) {
                if (mode == PushMode.REPLACE) {
                    continue; // the Pushgateway's rule: the grouping key's value wins, silently
                }
                throw new TextFormatException(
                        p.line(),
                        RejectReason.INVALID_LABEL,
                        "label \"" + labelName + "\" is already set by the push path");
            }
            if (!Names.isValidLabelName(labelName)) {
                throw new TextFormatException(
                        p.line(),
                        RejectReason.INVALID_LABEL,
                        "invalid label name \"" + Truncate.text(labelName, 100)
                                + "\" (names starting with __ are reserved)");
            }
            sample.label(labelName, p.labelValues().get(i));
        }
        grouping.forEach(sample::label);
        return sample;
    }

    /** Validates a built sample as any other, and refuses a series seen before in the same push. */
    private Sample finish(Sample sample, TextFamily.Point p) throws TextFormatException {
        if (p.timestamped()) {
            throw new TextFormatException(p.line(), "pushed metrics must not have timestamps (" + p.name() + ")");
        }
        SampleValidator.validatePushed(sample);
        if (sample.isRejected()) {
            throw new TextFormatException(p.line(), sample.rejection(), sample.error());
        }
        if (mode == PushMode.REPLACE) {
            sample.labels().addEmptyIfAbsent("instance"); // so Prometheus' honor_labels keeps no instance
        }
        // by type too: a gauge a and a counter a_total are one name, but that is a type conflict, not a repeat
        StringBuilder identity = new StringBuilder(sample.type().wireName())
                .append(' ')
                .append(Names.familyName(sample.type(), sample.name()));
        for (int i = 0; i < sample.labelCount(); i++) {
            identity.append('\n').append(sample.labelName(i)).append('=').append(sample.labelValue(i));
        }
        if (!seen.add(identity.toString())) {
            throw new TextFormatException(
                    p.line(),
                    "series " + SeriesText.of(sample) + " appears twice in the push (as in "
                            + "Prometheus, each series may be given once)");
        }
        return sample;
    }
}
