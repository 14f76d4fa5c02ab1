package io.promstream.ingest.push;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The 64-bit key of an {@code Idempotency-Key} header: the first bits of a SHA-256 of it (never 0 in practice). */
public final class IdempotencyKeys {
    /** The longest header value taken (longer ones are refused where the header is read). */
    static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {}

    /** What is wrong with an {@code Idempotency-Key} value, or {@code null}: 1 to 255 printable ASCII characters. */
    public static String problem(String key) {
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            return "Idempotency-Key must be 1 to " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "Idempotency-Key must be printable ASCII";
            }
        }
        return null;
    }

    /** The key of step {@code n} of a push queued in several steps (an OTLP export: deltas, then each group). */
    static long step(long key, int n) {
        long h = (key ^ n) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        return n == 0 ? key : h == 0 ? 1 : h;
    }

    public static long of(String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("idempotency-key\0".getBytes(StandardCharsets.UTF_8));
            long hash = ByteBuffer.wrap(sha.digest(key.getBytes(StandardCharsets.UTF_8)))
                    .getLong();
            return hash == 0 ? 1 : hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
