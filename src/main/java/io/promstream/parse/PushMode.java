package io.promstream.parse;

import java.util.Locale;

/** What a pushed exposition does to the store (docs/semantics.md, Pushes). */
public enum PushMode {
    /** Counters, histograms and summaries add what is pushed; gauges replace (the aggregation gateway's use). */
    AGGREGATE,
    /** The Pushgateway's: a push replaces its group's metrics, values as pushed. */
    REPLACE;

    /** {@code aggregate} or {@code replace}, any letter case; {@code null} when neither. */
    public static PushMode fromConfig(String text) {
        for (PushMode mode : values()) {
            if (mode.name().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        return null;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
