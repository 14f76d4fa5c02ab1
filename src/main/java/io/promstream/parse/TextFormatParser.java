package io.promstream.parse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (what client libraries push): {@code # HELP}
 * and {@code # TYPE} lines, other comments, and sample lines {@code name{l="v",...} value}. The first bad
 * line fails the whole exposition with its line number. Samples with timestamps are refused, as the
 * Pushgateway refuses them.
 */
public final class TextFormatParser {
    /** Runs of blanks between the fields of a line (compiled once: {@code String.split} compiles it per call). */
    private static final Pattern BLANKS = Pattern.compile("[ \t]+");

    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private TextFormatParser() {}

    public static List<TextFamily> parse(String text) throws TextFormatException {
        Map<String, TextFamily> families = new LinkedHashMap<>();
        Set<String> sampleNamesSeen = new HashSet<>();
        Map<String, TextFamily> closed = new HashMap<>();
        TextFamily current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = BLANKS.split(line.substring(1).trim(), 3);
                boolean help = parts[0].equals("HELP");
                if (!help && !parts[0].equals("TYPE")) {
                    continue; // a comment
                }
                if (parts.length < 2 || !Names.isValidMetricName(parts[1])) {
                    throw new TextFormatException(number, "# " + parts[0] + " needs a valid metric name");
                }
                String name = parts[1];
                TextFamily family = families.get(name);
                if (family == null) {
                    if (sampleNamesSeen.contains(name)) {
                        throw new TextFormatException(number, "# " + parts[0] + " for " + name + " after its samples");
                    }
                    family = new TextFamily(name);
                    families.put(name, family);
                } else if (family != current) {
                    throw new TextFormatException(
                            number, "metric " + name + " appears twice (its lines must be together)");
                }
                if (help) {
                    if (family.help() != null) {
                        throw new TextFormatException(number, "second # HELP for " + name);
                    }
                    family.help(parts.length > 2 ? unescapeHelp(parts[2], number) : "");
                } else {
                    String type = parts.length > 2 ? parts[2].trim() : "";
                    if (!TYPES.contains(type)) {
                        throw new TextFormatException(number, "unknown type \"" + type + "\" for " + name);
                    }
                    if (family.hasType()) {
                        throw new TextFormatException(number, "second # TYPE for " + name);
                    }
                    if (!family.points().isEmpty()) {
                        throw new TextFormatException(number, "# TYPE for " + name + " after its samples");
                    }
                    family.type(type);
                }
                current = family;
                continue;
            }
            TextFamily.Point point = parseSample(line, number);
            if (current == null || !current.owns(point.name())) {
                TextFamily existing = families.get(point.name());
                if (existing != null && existing != current) {
                    throw new TextFormatException(
                            number, "metric " + point.name() + " appears twice (its lines must be together)");
                }
                if (existing == null && closed.containsKey(point.name())) {
                    throw new TextFormatException(number, "sample " + point.name() + " appears apart from its family");
                }
                if (current != null) {
                    for (TextFamily.Point p : current.points()) {
                        closed.put(p.name(), current);
                    }
                }
                current = existing != null ? existing : new TextFamily(point.name());
                families.putIfAbsent(point.name(), current);
            }
            sampleNamesSeen.add(point.name());
            current.points().add(point);
        }
        return new ArrayList<>(families.values());
    }

    static TextFamily.Point parseSample(String line, int number) throws TextFormatException {
        int pos = 0;
        int length = line.length();
        while (pos < length && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
            pos++;
        }
        int nameStart = pos;
        while (pos < length && isNameChar(line.charAt(pos))) {
            pos++;
        }
        String name = line.substring(nameStart, pos);
        if (!Names.isValidMetricName(name)) {
            throw new TextFormatException(number, "expected a metric name");
        }
        List<String> labelNames = new ArrayList<>(4);
        List<String> labelValues = new ArrayList<>(4);
        int afterName = skipBlanks(line, pos); // "m {a=\"x\"} 2": Prometheus allows blanks before the labels
        if (afterName < length && line.charAt(afterName) == '{') {
            pos = parseLabels(line, afterName + 1, number, labelNames, labelValues);
        }
        String[] rest = BLANKS.split(line.substring(pos).trim());
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw new TextFormatException(number, "missing value for " + name);
        }
        if (rest.length > 2) {
            throw new TextFormatException(number, "unexpected text after the value of " + name);
        }
        boolean timestamped = rest.length == 2;
        if (timestamped) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new TextFormatException(number, "invalid timestamp \"" + Truncate.text(rest[1], 40) + "\"");
            }
        }
        return new TextFamily.Point(name, labelNames, labelValues, parseValue(rest[0], number), timestamped, number);
    }

    private static int parseLabels(String line, int pos, int number, List<String> names, List<String> values)
            throws TextFormatException {
        int length = line.length();
        while (true) {
            pos = skipBlanks(line, pos);
            if (pos < length && line.charAt(pos) == '}') {
                return pos + 1;
            }
            int start = pos;
            while (pos < length && isNameChar(line.charAt(pos)) && line.charAt(pos) != ':') {
                pos++;
            }
            String labelName = line.substring(start, pos);
            if (!Names.isValidLabelName(labelName) && !labelName.equals("__name__")) {
                throw new TextFormatException(number, "invalid label name \"" + labelName + "\"");
            }
            if (names.contains(labelName)) {
                throw new TextFormatException(number, "duplicate label \"" + labelName + "\"");
            }
            pos = skipBlanks(line, pos);
            if (pos >= length || line.charAt(pos) != '=') {
                throw new TextFormatException(number, "expected = after label " + labelName);
            }
            pos = skipBlanks(line, pos + 1);
            if (pos >= length || line.charAt(pos) != '"') {
                throw new TextFormatException(number, "expected a quoted value for label " + labelName);
            }
            StringBuilder value = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= length) {
                    throw new TextFormatException(number, "unterminated value for label " + labelName);
                }
                char c = line.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (pos >= length) {
                        throw new TextFormatException(number, "unterminated escape in label " + labelName);
                    }
                    char e = line.charAt(pos++);
                    switch (e) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default ->
                            throw new TextFormatException(number, "invalid escape \\" + e + " in label " + labelName);
                    }
                } else {
                    value.append(c);
                }
            }
            names.add(labelName);
            values.add(value.toString());
            pos = skipBlanks(line, pos);
            if (pos < length && line.charAt(pos) == ',') {
                pos++;
            } else if (pos >= length || line.charAt(pos) != '}') {
                throw new TextFormatException(number, "expected , or } after label " + labelName);
            }
        }
    }

    /** A Go-style float: decimal or exponent notation, {@code NaN}, {@code +Inf}, {@code -Inf}. */
    static double parseValue(String token, int number) throws TextFormatException {
        switch (token) {
            case "+Inf", "Inf", "+inf", "inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf", "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN", "nan" -> {
                return Double.NaN;
            }
            default -> {}
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                throw new TextFormatException(number, "invalid value \"" + Truncate.text(token, 40) + "\"");
            }
        }
        try {
            return Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw new TextFormatException(number, "invalid value \"" + Truncate.text(token, 40) + "\"");
        }
    }

    /** An {@code le} label's value as a bucket bound. */
    public static double parseBound(String le, int number) throws TextFormatException {
        double bound = parseValue(le, number);
        if (Double.isNaN(bound)) {
            throw new TextFormatException(number, "le must be a number, got NaN");
        }
        return bound;
    }

    /** HELP text escapes, as Prometheus reads them: only {@code \\} and {@code \n}; anything else is an error. */
    private static String unescapeHelp(String text, int number) throws TextFormatException {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = i + 1 < text.length() ? text.charAt(++i) : ' ';
            switch (e) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                default ->
                    throw new TextFormatException(
                            number, "invalid escape sequence in HELP: only \\\\ and \\n " + "are allowed");
            }
        }
        return out.toString();
    }

    private static int skipBlanks(String line, int pos) {
        while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
            pos++;
        }
        return pos;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
