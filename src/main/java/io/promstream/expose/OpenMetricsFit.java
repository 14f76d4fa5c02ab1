package io.promstream.expose;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What OpenMetrics 1.0 cannot carry, left out of that format only (the text format 0.0.4 shows everything):
 * a histogram with a negative bucket bound or a negative sum is exposed without {@code _sum} and {@code _count}
 * (OpenMetrics forbids a sum with negative buckets, treats {@code _sum} as a counter that cannot be negative, and
 * requires {@code _sum} wherever {@code _count} is given); a summary's negative {@code _sum} and negative
 * quantile values are left out (the OpenMetrics parser of prometheus_client refuses them).
 */
final class OpenMetricsFit {
    private OpenMetricsFit() {}

    @SuppressWarnings("ReferenceEquality") // identity: was the family replaced by a fitted copy
    static List<MetricFamilySamples> apply(List<MetricFamilySamples> families) {
        List<MetricFamilySamples> out = null;
        for (int i = 0; i < families.size(); i++) {
            MetricFamilySamples family = families.get(i);
            MetricFamilySamples fitted = switch (family.type) {
                case HISTOGRAM -> histogram(family);
                case SUMMARY -> summary(family);
                default -> family;
            };
            if (fitted != family && out == null) { // a family that needed no fitting is handed back as it was
                out = new ArrayList<>(families.subList(0, i));
            }
            if (out != null) {
                out.add(fitted);
            }
        }
        return out == null ? families : out;
    }

    private static MetricFamilySamples histogram(MetricFamilySamples family) {
        Set<List<String>> unfit = null;
        for (MetricFamilySamples.Sample s : family.samples) {
            boolean negative =
                    s.name.endsWith("_bucket") ? le(s).startsWith("-") : s.name.endsWith("_sum") && s.value < 0;
            if (negative) {
                if (unfit == null) {
                    unfit = new HashSet<>();
                }
                unfit.add(seriesOf(s));
            }
        }
        if (unfit == null) {
            return family;
        }
        List<MetricFamilySamples.Sample> kept = new ArrayList<>(family.samples.size());
        for (MetricFamilySamples.Sample s : family.samples) {
            boolean sumOrCount = s.name.endsWith("_sum") || s.name.endsWith("_count");
            if (!sumOrCount || !unfit.contains(seriesOf(s))) {
                kept.add(s);
            }
        }
        return new MetricFamilySamples(family.name, family.unit, Collector.Type.HISTOGRAM, family.help, kept);
    }

    private static MetricFamilySamples summary(MetricFamilySamples family) {
        boolean any = false;
        for (MetricFamilySamples.Sample s : family.samples) {
            any |= negativeInSummary(family, s);
        }
        if (!any) {
            return family;
        }
        List<MetricFamilySamples.Sample> kept = new ArrayList<>(family.samples.size());
        for (MetricFamilySamples.Sample s : family.samples) {
            if (!negativeInSummary(family, s)) {
                kept.add(s);
            }
        }
        return new MetricFamilySamples(family.name, family.unit, Collector.Type.SUMMARY, family.help, kept);
    }

    private static boolean negativeInSummary(MetricFamilySamples family, MetricFamilySamples.Sample s) {
        return s.value < 0 && (s.name.equals(family.name) || s.name.endsWith("_sum"));
    }

    private static String le(MetricFamilySamples.Sample s) {
        int i = s.labelNames.indexOf("le");
        return i < 0 ? "" : s.labelValues.get(i);
    }

    /** The sample's labels without {@code le}: which series of the family it belongs to. */
    private static List<String> seriesOf(MetricFamilySamples.Sample s) {
        List<String> key = new ArrayList<>(s.labelNames.size() * 2);
        for (int i = 0; i < s.labelNames.size(); i++) {
            if (!s.labelNames.get(i).equals("le")) {
                key.add(s.labelNames.get(i));
                key.add(s.labelValues.get(i));
            }
        }
        return key;
    }
}
