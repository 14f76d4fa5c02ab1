package io.promstream.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * The samples parsed from one element, reused from element to element. Either the element as a whole is
 * rejected ({@link #elementRejection()}), or each sample carries its own verdict.
 */
public final class SampleBatch {
    private final List<Sample> samples = new ArrayList<>();
    private int size;
    private RejectReason elementRejection;
    private String elementError;

    /** Starts a new element. */
    public void reset() {
        this.size = 0;
        this.elementRejection = null;
        this.elementError = null;
    }

    /** A cleared sample appended to this batch. */
    public Sample add() {
        if (size == samples.size()) {
            samples.add(new Sample());
        }
        return samples.get(size++).clear();
    }

    /** Rejects the whole element; no sample of it may be applied. */
    public void rejectElement(RejectReason reason, String detail) {
        this.elementRejection = reason;
        this.elementError = detail;
        this.size = 0;
    }

    public int size() {
        return size;
    }

    public Sample get(int index) {
        return samples.get(index);
    }


    public RejectReason elementRejection() {
        return elementRejection;
    }

    public String elementError() {
        return elementError;
    }
}
