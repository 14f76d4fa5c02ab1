package io.promstream.ingest.reject;

import io.prometheus.client.Counter;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Truncate;
import io.promstream.queue.LogLimiter;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every rejected sample or element goes (docs/semantics.md, Rejections): counted by reason, logged with
 * a truncated copy of its payload (rate-limited), and handed to the dead-letter sink. Thread-safe.
 */
public final class Rejections {
    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);
    /** Payload bytes quoted in a log line. */
    static final int LOGGED_PAYLOAD_BYTES = 256;

    private final Map<RejectReason, Counter.Child> dropped = new EnumMap<>(RejectReason.class);
    private final LogLimiter limiter;
    private final RejectionSink sink;

    /** @param dropped a counter with the label {@code reason} */
    public Rejections(Counter dropped, LogLimiter limiter, RejectionSink sink) {
        for (RejectReason reason : RejectReason.values()) {
            this.dropped.put(reason, dropped.labels(reason.label()));
        }
        this.limiter = limiter;
        this.sink = sink;
    }

    /** Rejects the bytes {@code payload[from, to)} (a whole element, or one sample of a batch). */
    public void reject(RejectReason reason, String error, byte[] payload, int from, int to, String source) {
        dropped.get(reason).inc();
        long suppressed = limiter.tryAcquire();
        if (suppressed >= 0) {
            String quoted = Truncate.forLog(payload, from, to, LOGGED_PAYLOAD_BYTES);
            if (suppressed > 0) {
                LOG.warn(
                        "Rejected sample from {} ({}): {}; payload: {} ({} more rejections not logged)",
                        source,
                        reason.label(),
                        error,
                        quoted,
                        suppressed);
            } else {
                LOG.warn("Rejected sample from {} ({}): {}; payload: {}", source, reason.label(), error, quoted);
            }
        }
        sink.accept(reason, error, payload, from, to, source);
    }
}
