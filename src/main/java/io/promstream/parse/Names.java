package io.promstream.parse;

import java.util.List;

/**
 * The one home of Prometheus' name rules as the gateway applies them: which metric and label names are valid,
 * which family a sample name belongs to (a counter's {@code _total} is dropped), which sample names a family
 * exposes, and which strings may reach the exposition at all. Checked without regular expressions (they sit on
 * the hot path).
 */
public final class Names {
    /** The suffix of a counter's samples; optional on the wire. */
    public static final String TOTAL = "_total";

    private Names() {}

    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*} */
    public static boolean isValidMetricName(String name) {
        int length = name.length();
        if (length == 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            boolean ok = c == '_'
                    || c == ':'
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*}, not starting with the reserved {@code __}. */
    public static boolean isValidLabelName(String name) {
        int length = name.length();
        if (length == 0 || name.startsWith("__")) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            boolean ok =
                    c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a decoded string can be written as UTF-8: no unpaired UTF-16 surrogate (a JSON escape such as
     * {@code \ud800} decodes to one; written out, it becomes CESU-8 bytes that every exposition parser refuses).
     * Label values and help texts must pass.
     */
    public static boolean isValidText(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code text} with every unpaired surrogate replaced by U+FFFD, for strings that are only logged. */
    public static String sanitize(String text) {
        if (isValidText(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** The family a sample belongs to: a counter's {@code _total} suffix is dropped ({@code x_total} is {@code x}). */
    public static String familyName(MetricType type, String sampleName) {
        if (type == MetricType.COUNTER && sampleName.endsWith(TOTAL)) {
            return sampleName.substring(0, sampleName.length() - TOTAL.length());
        }
        return sampleName;
    }

    /**
     * Why a sample of this type cannot carry this name, or {@code null} when it can. Beyond the character rules,
     * a counter's family name (without {@code _total}) must be a valid name that does not itself end in
     * {@code _total}: {@code _total} alone would leave an empty family, and {@code x_total_total} a family
     * {@code x_total} that the OpenMetrics exposition cannot tell from {@code x}.
     */
    public static String invalidName(MetricType type, String sampleName) {
        if (!isValidMetricName(sampleName)) {
            return "invalid metric name \"" + Truncate.text(sampleName, 100) + "\"";
        }
        if (type == MetricType.COUNTER) {
            String family = familyName(type, sampleName);
            if (!isValidMetricName(family)) {
                return "counter name \"" + sampleName + "\" leaves no family name once _total is dropped";
            }
            if (family.endsWith(TOTAL)) {
                return "counter name \"" + Truncate.text(sampleName, 100) + "\" ends in _total twice";
            }
        }
        return null;
    }

    /** Every sample name a family of this type exposes, the family name first. */
    public static List<String> exposedNames(MetricType type, String family) {
        return switch (type) {
            case COUNTER -> List.of(family, family + TOTAL, family + "_created");
            case GAUGE, UNTYPED -> List.of(family);
            case HISTOGRAM ->
                List.of(family, family + "_bucket", family + "_count", family + "_sum", family + "_created");
            case SUMMARY -> List.of(family, family + "_count", family + "_sum", family + "_created");
        };
    }

    /**
     * Whether {@code sampleName} is one of the names a family of this type exposes: the family itself (for
     * counters also {@code _total}) or one of its type's suffixes.
     */
    public static boolean belongsTo(MetricType type, String family, String sampleName) {
        if (sampleName.equals(family)) {
            return true;
        }
        if (!sampleName.startsWith(family)) {
            return false;
        }
        String suffix = sampleName.substring(family.length());
        for (String exposed : exposedNames(type, "")) {
            if (!exposed.isEmpty() && exposed.equals(suffix)) {
                return true;
            }
        }
        return false;
    }
}
