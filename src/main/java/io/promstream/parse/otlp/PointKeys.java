package io.promstream.parse.otlp;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The key of an OTLP delta point (docs/otlp.md, Counted once): the first 64 bits of a SHA-256 of its stream (the
 * resource, the scope's name and version, the metric's name, the point's attributes) and its start and end time.
 * One thread.
 */
final class PointKeys {
    private final MessageDigest digest;

    PointKeys() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** @param resource the resource's bytes as sent */
    long of(
            byte[] resource,
            InstrumentationScope scope,
            String metric,
            List<KeyValue> attributes,
            long startNanos,
            long timeNanos) {
        digest.reset();
        digest.update(resource);
        update(scope.getName());
        update(scope.getVersion());
        update(metric);
        for (KeyValue kv : attributes) {
            digest.update(kv.toByteArray());
            digest.update((byte) 0);
        }
        digest.update(
                ByteBuffer.allocate(16).putLong(startNanos).putLong(timeNanos).array());
        return ByteBuffer.wrap(digest.digest()).getLong();
    }

    private void update(String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
