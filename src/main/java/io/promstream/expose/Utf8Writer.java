package io.promstream.expose;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * A writer that encodes to UTF-8 into a byte buffer of its own and hands full buffers to a stream: no locks, no
 * encoder objects. The text exposition writes a label value one character at a time, which
 * {@code BufferedWriter} over {@code OutputStreamWriter} turns into a monitor and a call chain per character. One
 * thread only.
 */
final class Utf8Writer extends Writer {
    private final OutputStream out;
    private final byte[] buffer;
    private int length;
    /** Bytes handed to {@link #out} so far. */
    private long drained;

    private char pendingHigh;

    /** A string written whole that is left out, or {@code null}. */
    private final String omitted;

    Utf8Writer(OutputStream out, int bufferBytes) {
        this(out, bufferBytes, null);
    }

    /**
     * @param omitted a string that is dropped whenever it is written whole in one {@code write(String)} call (the
     *                OpenMetrics {@code # EOF} line, for an exposition written in parts)
     */
    Utf8Writer(OutputStream out, int bufferBytes, String omitted) {
        this.out = out;
        this.buffer = new byte[Math.max(64, bufferBytes)];
        this.omitted = omitted;
    }

    @Override
    public void write(int c) throws IOException {
        if (c < 0x80 && length < buffer.length && pendingHigh == 0) {
            buffer[length++] = (byte) c;
            return;
        }
        put((char) c);
    }

    @Override
    public void write(char[] chars, int offset, int count) throws IOException {
        for (int i = offset; i < offset + count; i++) {
            put(chars[i]);
        }
    }

    @Override
    public void write(String text, int offset, int count) throws IOException {
        if (omitted != null && count == omitted.length() && offset == 0 && text.equals(omitted)) {
            return;
        }
        int end = offset + count;
        int i = offset;
        while (i < end) {
            if (pendingHigh != 0) {
                put(text.charAt(i++));
                continue;
            }
            if (length + 4 >= buffer.length) {
                drain();
            }
            int stop = Math.min(end, i + buffer.length - length - 4);
            char c = 0;
            while (i < stop && (c = text.charAt(i)) < 0x80) { // ASCII, the bulk of an exposition, a byte each
                buffer[length++] = (byte) c;
                i++;
            }
            if (i < stop) {
                put(c);
                i++;
            }
        }
    }

    @Override
    public void write(String text) throws IOException {
        write(text, 0, text.length());
    }

    /**
     * The decimal digits of {@code v}, as {@code Long.toString} gives them; written here with int division (several
     * times cheaper than long division) when {@code v} fits an int, the exposition's integral values do.
     */
    void writeLong(long v) throws IOException {
        if (pendingHigh != 0 || v <= -Integer.MAX_VALUE || v >= Integer.MAX_VALUE) {
            write(Long.toString(v));
            return;
        }
        if (length + 12 > buffer.length) {
            drain();
        }
        int n = (int) v;
        if (n < 0) {
            buffer[length++] = '-';
            n = -n;
        }
        int end = length + digits(n);
        for (int i = end - 1; i >= length; i--) {
            int q = n / 10;
            buffer[i] = (byte) ('0' + n - q * 10);
            n = q;
        }
        length = end;
    }

    private static int digits(int n) {
        int digits = 1;
        for (int bound = 10; digits < 10 && n >= bound; bound *= 10) {
            digits++;
        }
        return digits;
    }

    /**
     * {@code text} as a label value (or an OpenMetrics help text): backslash, double quote and line feed escaped
     * with a backslash, in one pass.
     */
    void writeEscaped(String text) throws IOException {
        int end = text.length();
        int i = 0;
        while (i < end) {
            if (pendingHigh != 0) {
                char c = text.charAt(i++);
                char escape = escapeOf(c);
                if (escape != 0) {
                    put('\\');
                    put(escape);
                } else {
                    put(c);
                }
                continue;
            }
            if (buffer.length - length < 16) {
                drain();
            }
            int stop = Math.min(end, i + (buffer.length - length - 4) / 2); // two bytes for each char at most
            while (i < stop) {
                char c = text.charAt(i++);
                char escape = escapeOf(c);
                if (escape != 0) {
                    buffer[length++] = '\\';
                    buffer[length++] = (byte) escape;
                } else if (c < 0x80) {
                    buffer[length++] = (byte) c;
                } else {
                    put(c); // may leave a surrogate pending: the outer loop looks again
                    break;
                }
            }
        }
    }

    /** The letter a backslash escapes {@code c} with in a label value, or 0 when it is written as it is. */
    private static char escapeOf(char c) {
        return switch (c) {
            case '\\' -> '\\';
            case '"' -> '"';
            case '\n' -> 'n';
            default -> 0;
        };
    }

    /** Bytes that are UTF-8 already, written as they are. */
    void writeUtf8(byte[] bytes, int offset, int count) throws IOException {
        if (pendingHigh != 0) { // an unpaired surrogate before them: '?', as String.getBytes writes it
            pendingHigh = 0;
            buffer[length++] = '?'; // put left room for four bytes
        }
        if (count > buffer.length - length) {
            drain();
            if (count > buffer.length) {
                out.write(bytes, offset, count);
                drained += count;
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
    }

    private void put(char c) throws IOException {
        if (length + 4 > buffer.length) {
            drain();
        }
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                buffer[length++] = (byte) (0xF0 | (cp >> 18));
                buffer[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buffer[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buffer[length++] = (byte) (0x80 | (cp & 0x3F));
                return;
            }
            buffer[length++] = '?'; // an unpaired surrogate, as String.getBytes writes it
            if (length + 4 > buffer.length) {
                drain();
            }
        }
        if (c < 0x80) {
            buffer[length++] = (byte) c;
        } else if (c < 0x800) {
            buffer[length++] = (byte) (0xC0 | (c >> 6));
            buffer[length++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            buffer[length++] = '?';
        } else {
            buffer[length++] = (byte) (0xE0 | (c >> 12));
            buffer[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            buffer[length++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    private void drain() throws IOException {
        if (length > 0) {
            out.write(buffer, 0, length);
            drained += length;
            length = 0;
        }
    }

    /** Bytes written so far, those still buffered included (a surrogate pending its pair not yet). */
    long position() {
        return drained + length;
    }

    @Override
    public void flush() throws IOException {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            buffer[length++] = '?';
        }
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
