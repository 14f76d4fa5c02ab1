package io.promstream.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One metric family of a text-format exposition: its declared name and type ({@code null} when untyped)
 * and its sample lines in order.
 */
public final class TextFamily {
    /**
     * One sample line: its name, labels in line order, value, whether it carried a timestamp (pushes may not), and
     * its line number (a protobuf push: its family's index); a protobuf push's native histogram carries it whole.
     */
    public record Point(
            String name,
            List<String> labelNames,
            List<String> labelValues,
            double value,
            boolean timestamped,
            int line,
            NativeHistogram nativeHistogram) {
        public Point(
                String name,
                List<String> labelNames,
                List<String> labelValues,
                double value,
                boolean timestamped,
                int line) {
            this(name, labelNames, labelValues, value, timestamped, line, null);
        }

        /** A label's value, or {@code null}. */
        public String label(String labelName) {
            int i = labelNames.indexOf(labelName);
            return i < 0 ? null : labelValues.get(i);
        }
    }

    private final String name;
    private String type;
    private String help;
    private final List<Point> points = new ArrayList<>();

    TextFamily(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** {@code counter}, {@code gauge}, {@code histogram}, {@code summary}, {@code untyped}. */
    public String type() {
        return type == null ? "untyped" : type;
    }

    boolean hasType() {
        return type != null;
    }

    void type(String declared) {
        this.type = declared;
    }

    public String help() {
        return help;
    }

    void help(String text) {
        this.help = text;
    }

    public List<Point> points() {
        return points;
    }

    /** The store type this family's samples take ({@code untyped}: {@link MetricType#UNTYPED}). */
    MetricType metricType() {
        return switch (type()) {
            case "counter" -> MetricType.COUNTER;
            case "histogram" -> MetricType.HISTOGRAM;
            case "summary" -> MetricType.SUMMARY;
            case "gauge" -> MetricType.GAUGE;
            default -> MetricType.UNTYPED;
        };
    }

    /** Whether a sample named {@code sample} belongs to this family, by the suffixes its type allows. */
    boolean owns(String sample) {
        return Names.belongsTo(metricType(), name, sample);
    }
    /** Points of one series of a histogram or summary, grouped by their labels without le/quantile. */
    Map<List<String>, List<Point>> bySeries(String extraLabel) {
        Map<List<String>, List<Point>> series = new LinkedHashMap<>();
        for (Point p : points) {
            if (p.name().endsWith("_created")) {
                continue;
            }
            List<String> identity = new ArrayList<>();
            TreeMap<String, String> sorted = new TreeMap<>();
            for (int i = 0; i < p.labelNames().size(); i++) {
                if (!p.labelNames().get(i).equals(extraLabel)
                        && !p.labelValues().get(i).isEmpty()) {
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
}
