package io.promstream.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The samples parsed from one element, reused from element to element: the {@link Command.Samples} of a queue
 * element. Either the element as a whole is
 * rejected ({@link #elementRejection()}), or each sample carries its own verdict and the byte range of the
 * element it was read from (for rejection reports).
 */
public final class SampleBatch implements Command.Samples {
    private final List<Sample> samples = new ArrayList<>();
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int size;
    private RejectReason elementRejection;
    private String elementError;
    private String elementId;

    /** Starts a new element. */
    public void reset() {
        this.size = 0;
        this.elementRejection = null;
        this.elementError = null;
        this.elementId = null;
    }

    /** A cleared sample appended to this batch. */
    public Sample add() {
        if (size == samples.size()) {
            samples.add(new Sample());
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        starts[size] = 0;
        ends[size] = 0;
        return samples.get(size++).clear();
    }

    /** Takes sample {@code index} out for keeps; the batch fills its place with a new one. */
    public Sample detach(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return samples.set(index, new Sample());
    }

    /** Records where the last added sample lies in its element. */
    void span(int from, int to) {
        starts[size - 1] = from;
        ends[size - 1] = to;
    }

    /** Rejects the whole element; no sample of it may be applied. */
    public void rejectElement(RejectReason reason, String detail) {
        this.elementRejection = reason;
        this.elementError = detail;
        this.size = 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Sample get(int index) {
        return samples.get(index);
    }

    /** A batch is one element: sample {@code i} is the element's {@code i}th. */
    @Override
    public int index(int i) {
        return i;
    }

    /** First byte of sample {@code index} in its element. */
    public int start(int index) {
        return starts[index];
    }

    /** One past the last byte of sample {@code index} in its element. */
    public int end(int index) {
        return ends[index];
    }

    public RejectReason elementRejection() {
        return elementRejection;
    }

    public String elementError() {
        return elementError;
    }

    /** The wrapper's {@code id}: the whole element applied at most once per id within the window; or {@code null}. */
    @Override
    public List<Sample> samples() {
        return samples.subList(0, size);
    }

    public String elementId() {
        return elementId;
    }

    void elementId(String id) {
        this.elementId = id;
    }

    /** The envelope's {@code ttl} (read into {@code envelope}): every sample without its own takes it. */
    void ttl(Sample envelope) {
        if (envelope.isRejected()) {
            rejectElement(envelope.rejection(), envelope.error());
            return;
        }
        for (int i = 0; i < size && envelope.ttlMillis() != Sample.NO_TTL; i++) {
            if (samples.get(i).ttlMillis() == Sample.NO_TTL) {
                samples.get(i).ttl(envelope.ttlMillis());
            }
        }
    }
}
