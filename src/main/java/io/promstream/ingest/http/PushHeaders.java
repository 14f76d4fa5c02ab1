package io.promstream.ingest.http;

import io.promstream.ingest.push.HttpIngestor;
import io.promstream.ingest.push.IdempotencyKeys;
import io.promstream.parse.SeriesTtl;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What every push path reads alike (docs/http-api.md): the {@code Idempotency-Key} and {@code X-Series-TTL} headers,
 * and the credential that authorized the push ({@link IngestAuthFilter#CREDENTIAL}); any may be {@code null}.
 */
record PushHeaders(String idempotencyKey, String ttl, String credential) {
    /** Those of this request. */
    static PushHeaders of(HttpServletRequest request) {
        return new PushHeaders(
                request.getHeader("Idempotency-Key"),
                request.getHeader(SeriesTtl.HEADER),
                request.getAttribute(IngestAuthFilter.CREDENTIAL) instanceof String c ? c : null);
    }

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
        return ingestor.once(idempotencyKey).ttl(SeriesTtl.parse(ttl)).credential(credential);
    }
}
