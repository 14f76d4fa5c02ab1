package io.promstream.testing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A text exposition (0.0.4) read into series and values, written the same way whatever wrote it: labels sorted
 * by name (le and quantile included), values and le/quantile bounds compared as numbers. So two systems that
 * format differently (Go's {@code 1e+06} and {@code le="1"}, simpleclient's {@code 1000000.0}, {@code le="1.0"}
 * and trailing comma) compare series by series.
 */
public final class Exposition {
    private Exposition() {}

    /** Every sample line, keyed {@code name{a="x",b="y"}} (labels sorted, numbers canonical). */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            TreeMap<String, String> labels = new TreeMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace).trim();
                int close = line.lastIndexOf('}');
                parseLabels(line.substring(brace + 1, close), labels);
            } else {
                name = line.substring(0, space).trim();
            }
            StringBuilder key = new StringBuilder(name).append('{');
            labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
            if (!labels.isEmpty()) {
                key.setLength(key.length() - 1);
            }
            out.put(key.append('}').toString(), number(line.substring(space + 1).trim()));
        }
        return out;
    }

    /** The series of families accepted by {@code family} (by sample name, e.g. {@code n -> n.startsWith("app_")}). */
    public static Map<String, Double> parse(String text, Predicate<String> sampleName) {
        Map<String, Double> all = parse(text);
        all.keySet().removeIf(key -> !sampleName.test(key.substring(0, key.indexOf('{'))));
        return all;
    }

    /** Samples whose name is one of these. */
    public static Predicate<String> named(Set<String> names) {
        return names::contains;
    }

    private static void parseLabels(String inside, Map<String, String> labels) {
        int i = 0;
        while (i < inside.length()) {
            while (i < inside.length() && (inside.charAt(i) == ',' || inside.charAt(i) == ' ')) {
                i++;
            }
            if (i >= inside.length()) {
                return;
            }
            int eq = inside.indexOf('=', i);
            String name = inside.substring(i, eq).trim();
            int quote = inside.indexOf('"', eq);
            StringBuilder value = new StringBuilder();
            int j = quote + 1;
            while (inside.charAt(j) != '"') {
                if (inside.charAt(j) == '\\') {
                    j++;
                }
                value.append(inside.charAt(j));
                j++;
            }
            String v = value.toString();
            if (name.equals("le") || name.equals("quantile")) {
                v = canonical(number(v));
            }
            labels.put(name, v);
            i = j + 1;
        }
    }

    /** A sample value as the exposition writes it: Go's float text, {@code +Inf}, {@code -Inf} and {@code NaN}. */
    public static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static String canonical(double value) {
        return Double.isInfinite(value) ? (value > 0 ? "+Inf" : "-Inf") : Double.toString(value);
    }
}
