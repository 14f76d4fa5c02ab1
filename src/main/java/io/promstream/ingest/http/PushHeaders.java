package io.promstream.ingest.http;

import io.promstream.ingest.push.HttpIngestor;
import io.promstream.ingest.push.IdempotencyKeys;
import io.promstream.parse.SeriesTtl;

/**
 * The headers every push path reads alike (docs/http-api.md): {@code Idempotency-Key} and {@code X-Series-TTL};
 * either may be {@code null}.
 */
record PushHeaders(String idempotencyKey, String ttl) {
    /** What is wrong with them, for a 400, or {@code null}. */
    String problem() {
        String badKey = IdempotencyKeys.problem(idempotencyKey);
        if (badKey != null) {
            return badKey;
        }
        try {
            SeriesTtl.parse(ttl);
            return null;
        } catch (IllegalArgumentException e) {
            return SeriesTtl.HEADER + ": " + e.getMessage();
        }
    }

    /** The ingestor for this push; call after {@link #problem} found nothing. */
    HttpIngestor on(HttpIngestor ingestor) {
        return ingestor.once(idempotencyKey).ttl(SeriesTtl.parse(ttl));
    }
}
