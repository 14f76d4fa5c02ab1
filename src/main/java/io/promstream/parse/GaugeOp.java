package io.promstream.parse;

/** What a gauge sample does to its series. */
public enum GaugeOp {
    SET,
    INC,
    DEC;

    /** Case-insensitive lookup; {@code null} when unknown. */
    public static GaugeOp fromWire(String text) {
        for (GaugeOp op : values()) {
            if (op.name().equalsIgnoreCase(text)) {
                return op;
            }
        }
        return null;
    }
}
