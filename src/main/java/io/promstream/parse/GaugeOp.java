package io.promstream.parse;

/** What a gauge sample does to its series. */
public enum GaugeOp {
    SET(0),
    INC(1),
    DEC(2);

    private final int code;

    GaugeOp(int code) {
        this.code = code;
    }

    /** The op's number in queued commands: fixed for good, whatever the order of the constants. */
    public int ordinalCode() {
        return code;
    }

    /** The op of a queued command's number; {@code null} for one no op has. */
    public static GaugeOp ofOrdinalCode(int code) {
        for (GaugeOp op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }

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
