package io.promstream.parse;

import java.nio.charset.StandardCharsets;

/** Bounded copies of untrusted text for logs and error messages. */
public final class Truncate {
    private Truncate() {
    }

    /** At most {@code max} characters of {@code text}, with a marker when cut. */
    public static String text(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "...(" + text.length() + " chars)";
    }

    /** At most {@code max} bytes of {@code bytes[from, to)} decoded as UTF-8 (invalid bytes replaced). */
    public static String utf8(byte[] bytes, int from, int to, int max) {
        int length = to - from;
        String text = new String(bytes, from, Math.min(length, max), StandardCharsets.UTF_8);
        return length <= max ? text : text + "...(" + length + " bytes)";
    }
}
