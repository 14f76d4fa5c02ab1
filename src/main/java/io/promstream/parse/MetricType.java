package io.promstream.parse;

import java.util.Locale;

/** The four Prometheus metric types a sample can carry. */
public enum MetricType {
    COUNTER, GAUGE, HISTOGRAM, SUMMARY;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used on the wire and in exposition. */
    public String wireName() {
        return wireName;
    }

    /** The label a sample of this type may not carry ({@code le}, {@code quantile}), or {@code null}. */
    public String reservedLabel() {
        return this == HISTOGRAM ? "le" : this == SUMMARY ? "quantile" : null;
    }

    /** Case-insensitive lookup of a wire name; {@code null} when unknown. */
    public static MetricType fromWire(String text) {
        for (MetricType type : values()) {
            if (type.wireName.equalsIgnoreCase(text)) {
                return type;
            }
        }
        return null;
    }
}
