package io.promstream.parse;

/** A line of a text-format push that cannot be used; carries its 1-based line number. */
public final class TextFormatException extends Exception {
    private final int line;

    public TextFormatException(int line, String message) {
        super("line " + line + ": " + message, null, false, false);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
