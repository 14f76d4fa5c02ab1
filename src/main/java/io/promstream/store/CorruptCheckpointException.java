package io.promstream.store;

import java.io.IOException;

/** Checkpoint bytes that cannot be read back as what they claim to be (damaged, cut short, or not ours). */
public final class CorruptCheckpointException extends IOException {
    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
