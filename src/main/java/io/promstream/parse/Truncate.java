package io.promstream.parse;

import java.nio.charset.StandardCharsets;

/** Bounded copies of untrusted text for logs and error messages. */
public final class Truncate {
    private Truncate() {}

    /**
     * At most {@code max} characters of {@code text}, with a marker when cut, and every unpaired surrogate
     * (given, or made by the cut) replaced, so the result can always be written as UTF-8.
     */
    public static String text(String text, int max) {
        if (text.length() <= max) {
            return Names.sanitize(text);
        }
        return Names.sanitize(text.substring(0, max)) + "...(" + text.length() + " chars)";
    }

    /** At most {@code max} bytes of {@code bytes[from, to)} decoded as UTF-8 (invalid bytes replaced). */
    private static String utf8(byte[] bytes, int from, int to, int max) {
        int length = to - from;
        String text = new String(bytes, from, Math.min(length, max), StandardCharsets.UTF_8);
        return length <= max ? text : text + "...(" + length + " bytes)";
    }

    /** Like {@link #utf8}, with control characters escaped so untrusted input cannot forge log lines. */
    public static String forLog(byte[] bytes, int from, int to, int max) {
        String text = utf8(bytes, from, to, max);
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(
                        switch (c) {
                            case '\n' -> "\\n";
                            case '\r' -> "\\r";
                            case '\t' -> "\\t";
                            default -> String.format("\\u%04x", (int) c);
                        });
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
