package io.promstream.store;

import io.promstream.parse.RejectReason;

/** Why the store did not apply a sample: the reason it is counted under, and a message for the log. */
public record Refusal(RejectReason reason, String message) {}
