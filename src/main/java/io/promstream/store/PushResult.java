package io.promstream.store;

import io.promstream.parse.RejectReason;

/**
 * What became of a push: how many samples were applied and, when not all were, the index of the refused one
 * and why. Then nothing was applied, unless a concurrent update made a series overflow between the check and
 * the update ({@code applied > 0}).
 */
public record PushResult(int applied, int refusedIndex, Refusal refusal) {
    /** Nothing applied: the sample at {@code index} stood in the way. */
    static PushResult refused(int index, RejectReason reason, String message) {
        return new PushResult(0, index, new Refusal(reason, message));
    }

    public boolean isWhole() {
        return refusal == null;
    }
}
