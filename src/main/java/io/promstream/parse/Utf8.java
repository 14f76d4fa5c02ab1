package io.promstream.parse;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF, and no raw NUL
 * byte (never part of UTF-8 JSON, always part of UTF-16/32, which RFC 8259 rules out between systems and
 * which Jackson would otherwise auto-detect). Jackson decodes some invalid sequences silently; elements are
 * checked first so they are rejected instead.
 */
final class Utf8 {
    private Utf8() {}

    /** The offset of the first invalid byte, or -1 when {@code bytes} is valid UTF-8 without NUL bytes. */
    static int firstInvalid(byte[] bytes) {
        return firstInvalid(bytes, false);
    }

    /** Like {@link #firstInvalid(byte[])}, but NUL bytes (valid UTF-8) are allowed. */
    static int firstInvalidIgnoringNul(byte[] bytes) {
        return firstInvalid(bytes, true);
    }

    private static int firstInvalid(byte[] bytes, boolean allowNul) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b > 0) { // ASCII, by far the common case
                i++;
                continue;
            }
            if (b == 0) {
                if (allowNul) {
                    i++;
                    continue;
                }
                return i;
            }
            b &= 0xFF;
            int extra;
            int min2;
            int max2;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min2 = 0x80;
                max2 = 0xBF;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min2 = b == 0xE0 ? 0xA0 : 0x80; // E0: no overlong forms
                max2 = b == 0xED ? 0x9F : 0xBF; // ED: no surrogates
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min2 = b == 0xF0 ? 0x90 : 0x80; // F0: no overlong forms
                max2 = b == 0xF4 ? 0x8F : 0xBF; // F4: nothing past U+10FFFF
            } else {
                return i; // a continuation byte, an overlong lead (C0, C1) or F5..FF
            }
            if (i + extra >= n) {
                return i; // cut short
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min2 || second > max2) {
                return i;
            }
            for (int k = 2; k <= extra; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += extra + 1;
        }
        return -1;
    }
}
