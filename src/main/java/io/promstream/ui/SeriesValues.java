package io.promstream.ui;

import io.promstream.parse.MetricType;
import io.promstream.store.LabelSet;
import io.promstream.store.SeriesSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A series' values as the console shows them: numbers written as the text exposition writes them ({@code 1.0},
 * {@code +Inf}), so what the console says can be compared with {@code /metrics} as text; JSON has no infinities.
 */
final class SeriesValues {
    private SeriesValues() {}

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }

    static Map<String, String> labels(LabelSet labels) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            out.put(labels.name(i), labels.value(i));
        }
        return out;
    }

    /** The labels as a match is looked for in them: {@code k="v"} pairs, comma-separated. */
    static String text(LabelSet labels) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            out.append(i == 0 ? "" : ",")
                    .append(labels.name(i))
                    .append("=\"")
                    .append(labels.value(i))
                    .append('"');
        }
        return out.toString();
    }

    static Map<String, Object> of(MetricType type, SeriesSnapshot s) {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (type) {
            case COUNTER, GAUGE, UNTYPED -> out.put("value", number(s.value()));
            case HISTOGRAM -> {
                out.put("count", Long.toString(s.count()));
                out.put("sum", number(s.sum()));
                Map<String, String> buckets = new LinkedHashMap<>();
                for (int i = 0; i < s.counts().length; i++) {
                    buckets.put(i < s.bounds().length ? number(s.bounds()[i]) : "+Inf", Long.toString(s.counts()[i]));
                }
                out.put("buckets", buckets);
                if (s.nativeHistogram() != null) {
                    out.put("schema", s.nativeHistogram().schema());
                }
            }
            case SUMMARY -> {
                out.put("count", Long.toString(s.count()));
                out.put("sum", number(s.sum()));
                Map<String, String> quantiles = new LinkedHashMap<>();
                for (int i = 0; i < s.quantiles().length; i++) {
                    quantiles.put(number(s.quantiles()[i]), number(s.quantileValues()[i]));
                }
                out.put("quantiles", quantiles);
            }
        }
        return out;
    }
}
