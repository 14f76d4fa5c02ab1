package io.promstream.parse;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A push's series TTL as senders write it (docs/http-api.md, Series TTL): seconds ({@code 300}, {@code 1.5}), or a
 * number with a unit ({@code 500ms}, {@code 90s}, {@code 5m}, {@code 2h}, {@code 7d}); {@code 0} never expires.
 */
public final class SeriesTtl {
    /** The header a push gives its TTL in. */
    public static final String HEADER = "X-Series-TTL";

    /** The longest TTL taken: a year. */
    static final long MAX_MILLIS = 366L * 24 * 3600 * 1000;

    private static final Pattern FORM = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)(ms|s|m|h|d)?");

    private SeriesTtl() {}

    /** The TTL in milliseconds, or {@link Sample#NO_TTL} for {@code null}; a bad one throws, saying why. */
    public static long parse(String text) {
        if (text == null) {
            return Sample.NO_TTL;
        }
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("a TTL is seconds or a number with a unit (ms, s, m, h, d), not \""
                    + Truncate.text(text, 40) + "\"");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        double scale = switch (unit) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        return ofMillis(Double.parseDouble(m.group(1)) * scale);
    }

    /** A TTL given in seconds (a JSON number); a bad one throws, saying why. */
    public static long ofSeconds(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("a TTL cannot be negative or NaN");
        }
        return ofMillis(seconds * 1000);
    }

    private static long ofMillis(double millis) {
        if (millis > MAX_MILLIS) {
            throw new IllegalArgumentException("a TTL can be at most 366 days");
        }
        return Math.round(millis);
    }
}
