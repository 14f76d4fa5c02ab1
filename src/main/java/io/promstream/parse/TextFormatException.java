package io.promstream.parse;

/**
 * A pushed exposition (text or protobuf) that cannot be used, with the reason it counts under and where the
 * problem was found: the 1-based line of a text push, or the 1-based metric family of a protobuf push.
 */
public final class TextFormatException extends Exception {
    private final int line;
    private final RejectReason reason;
    private final String detail;
    private final boolean readable;

    public TextFormatException(int line, String message) {
        this(line, RejectReason.INVALID_MESSAGE, message);
    }

    public TextFormatException(int line, RejectReason reason, String message) {
        this("line " + line, line, reason, message);
    }

    private TextFormatException(String location, int line, RejectReason reason, String detail, boolean readable) {
        super(location + ": " + detail, null, false, false);
        this.line = line;
        this.reason = reason;
        this.detail = detail;
        this.readable = readable;
    }

    private TextFormatException(String location, int line, RejectReason reason, String detail) {
        this(location, line, reason, detail, false);
    }

    /** The same problem, found in the {@code index}-th (1-based) family of a protobuf push. */
    static TextFormatException inFamily(int index, RejectReason reason, String detail) {
        return new TextFormatException("metric family " + index, index, reason, detail);
    }

    /** This problem, told as found in a protobuf push's family {@link #line()} rather than on a text line. */
    TextFormatException asFamily() {
        return new TextFormatException("metric family " + line, line, reason, detail, readable);
    }

    /** This problem, found in a push that was read whole (its metrics are wrong, not its syntax). */
    TextFormatException asReadable() {
        return new TextFormatException(
                getMessage().substring(0, getMessage().length() - detail.length() - 2), line, reason, detail, true);
    }

    /**
     * Whether the push was read whole and its metrics are what is wrong (a timestamp, a value, a series given
     * twice), rather than its syntax; the Pushgateway records a failure time for such a push, not for one it cannot
     * read.
     */
    public boolean isReadable() {
        return readable;
    }

    public int line() {
        return line;
    }

    /** What the push is counted as in {@code dropped_metrics_total{reason}}. */
    public RejectReason reason() {
        return reason;
    }
}
