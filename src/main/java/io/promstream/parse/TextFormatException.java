package io.promstream.parse;

/**
 * A pushed exposition (text or protobuf) that cannot be used, with the reason it counts under and the 1-based
 * line (or, for protobuf, metric family) it was found at.
 */
public final class TextFormatException extends Exception {
    private final int line;
    private final RejectReason reason;

    public TextFormatException(int line, String message) {
        this(line, RejectReason.INVALID_MESSAGE, message);
    }

    public TextFormatException(int line, RejectReason reason, String message) {
        super("line " + line + ": " + message, null, false, false);
        this.line = line;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    /** What the push is counted as in {@code dropped_metrics_total{reason}}. */
    public RejectReason reason() {
        return reason;
    }
}
