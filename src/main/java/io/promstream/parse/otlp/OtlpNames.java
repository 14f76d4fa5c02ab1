package io.promstream.parse.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenTelemetry names as Prometheus names, by the OpenTelemetry specification's Prometheus compatibility rules (as
 * Prometheus' own OTLP receiver spells them, docs/otlp.md): the metric name's words joined by {@code _}, the unit as
 * a suffix ({@code s} → {@code _seconds}, {@code By} → {@code _bytes}, {@code 1} → {@code _ratio} for gauges,
 * {@code a/b} → {@code _a_per_b}), {@code _total} for monotonic sums; attribute names with every other character as
 * {@code _}, and {@code key_} before one that starts with a digit or {@code _}.
 */
public final class OtlpNames {
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("d", "days"),
            Map.entry("h", "hours"),
            Map.entry("min", "minutes"),
            Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"),
            Map.entry("us", "microseconds"),
            Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"),
            Map.entry("KiBy", "kibibytes"),
            Map.entry("MiBy", "mebibytes"),
            Map.entry("GiBy", "gibibytes"),
            Map.entry("TiBy", "tibibytes"),
            Map.entry("KBy", "kilobytes"),
            Map.entry("MBy", "megabytes"),
            Map.entry("GBy", "gigabytes"),
            Map.entry("TBy", "terabytes"),
            Map.entry("m", "meters"),
            Map.entry("V", "volts"),
            Map.entry("A", "amperes"),
            Map.entry("J", "joules"),
            Map.entry("W", "watts"),
            Map.entry("g", "grams"),
            Map.entry("Cel", "celsius"),
            Map.entry("Hz", "hertz"),
            Map.entry("1", ""),
            Map.entry("%", "percent"));
    private static final Map<String, String> PER_UNITS =
            Map.of("s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    /** What a metric is, as far as its name's suffixes go. */
    public enum Kind {
        COUNTER,
        GAUGE,
        OTHER
    }

    private OtlpNames() {}

    /** The Prometheus name of a metric named {@code name} with {@code unit}. */
    public static String metricName(String name, String unit, Kind kind) {
        List<String> tokens = words(name);
        String cleanUnit = unit.replaceAll("\\{[^}]*}", "").trim();
        String main = cleanUnit;
        String per = "";
        int slash = cleanUnit.indexOf('/');
        if (slash >= 0) {
            main = cleanUnit.substring(0, slash).trim();
            per = cleanUnit.substring(slash + 1).trim();
        }
        String mainWord = UNITS.containsKey(main) ? UNITS.get(main) : String.join("_", words(main));
        if (!mainWord.isEmpty() && !tokens.contains(mainWord)) {
            tokens.add(mainWord);
        }
        String perWord = PER_UNITS.containsKey(per) ? PER_UNITS.get(per) : String.join("_", words(per));
        if (!perWord.isEmpty() && !String.join("_", tokens).contains("per_" + perWord)) {
            tokens.add("per");
            tokens.add(perWord);
        }
        if (kind == Kind.COUNTER) {
            tokens.remove("total");
            tokens.add("total");
        }
        if (kind == Kind.GAUGE && "1".equals(cleanUnit) && !tokens.contains("ratio")) {
            tokens.add("ratio");
        }
        String joined = String.join("_", tokens);
        return !joined.isEmpty() && Character.isDigit(joined.charAt(0)) ? "_" + joined : joined;
    }

    /** The Prometheus label name of an attribute name; empty for an empty one. */
    public static String labelName(String attribute) {
        if (attribute.isEmpty()) {
            return attribute;
        }
        StringBuilder out = new StringBuilder(attribute.length() + 4);
        for (int i = 0; i < attribute.length(); i++) {
            char c = attribute.charAt(i);
            out.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        char first = out.charAt(0);
        if (Character.isDigit(first)) {
            out.insert(0, "key_");
        } else if (first == '_') {
            out.insert(0, "key");
        }
        return out.toString();
    }

    /** The words of a name: its runs of ASCII letters, digits and colons. */
    private static List<String> words(String name) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == ':')) {
                word.append(c);
            } else if (word.length() > 0) {
                tokens.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            tokens.add(word.toString());
        }
        return tokens;
    }
}
