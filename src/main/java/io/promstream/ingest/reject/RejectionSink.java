package io.promstream.ingest.reject;

import io.promstream.parse.RejectReason;

/** Receives each rejected payload after it was counted and logged (for example a dead-letter list). */
@FunctionalInterface
public interface RejectionSink {
    RejectionSink NONE = (reason, error, payload, from, to, source) -> {};

    void accept(RejectReason reason, String error, byte[] payload, int from, int to, String source);
}
