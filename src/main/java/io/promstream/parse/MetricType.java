package io.promstream.parse;

import java.util.Locale;

/**
 * The Prometheus metric types a series can have: the four a JSON sample names, and {@link #UNTYPED}, which only a
 * pushed exposition carries (docs/semantics.md, Aggregation).
 */
public enum MetricType {
    COUNTER(0),
    GAUGE(1),
    HISTOGRAM(2),
    SUMMARY(3),
    /** A pushed exposition's untyped family: added up when aggregated, taken as pushed in a group. */
    UNTYPED(4);

    private static final MetricType[] ALL = values();
    private final String wireName = name().toLowerCase(Locale.ROOT);
    private final int checkpointCode;

    MetricType(int checkpointCode) {
        this.checkpointCode = checkpointCode;
    }

    /** The type's number in checkpoints: fixed for good, whatever the order of the constants. */
    public int checkpointCode() {
        return checkpointCode;
    }

    /** The type of a checkpoint's number, or {@code null} for one no type has. */
    public static MetricType ofCheckpointCode(int code) {
        for (MetricType type : ALL) {
            if (type.checkpointCode == code) {
                return type;
            }
        }
        return null;
    }

    /** The lower-case name used on the wire and in exposition. */
    public String wireName() {
        return wireName;
    }

    /** The label a sample of this type may not carry ({@code le}, {@code quantile}), or {@code null}. */
    public String reservedLabel() {
        return this == HISTOGRAM ? "le" : this == SUMMARY ? "quantile" : null;
    }

    /** Whether the JSON wire format names this type (every type but {@link #UNTYPED}; docs/wire-format.md). */
    public boolean isJsonType() {
        return this != UNTYPED;
    }

    /** Case-insensitive lookup of a JSON wire name; {@code null} when unknown ({@code untyped} is unknown there). */
    public static MetricType fromWire(String text) {
        for (MetricType type : ALL) {
            if (type.isJsonType() && type.wireName.equalsIgnoreCase(text)) {
                return type;
            }
        }
        return null;
    }

    /** {@link #fromWire(String)} on characters in a buffer (a parser's), without making a String of them. */
    public static MetricType fromWire(char[] text, int offset, int length) {
        for (MetricType type : ALL) {
            if (type.isJsonType() && equalsIgnoreCase(type.wireName, text, offset, length)) {
                return type;
            }
        }
        return null;
    }

    /** {@link String#equalsIgnoreCase} of {@code name} and the characters, compared as it compares them. */
    static boolean equalsIgnoreCase(String name, char[] text, int offset, int length) {
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char a = text[offset + i];
            char b = name.charAt(i);
            if (a == b) {
                continue;
            }
            char ua = Character.toUpperCase(a);
            char ub = Character.toUpperCase(b);
            if (ua != ub && Character.toLowerCase(ua) != Character.toLowerCase(ub)) {
                return false;
            }
        }
        return true;
    }
}
