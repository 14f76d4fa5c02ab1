package io.promstream.ingest;

import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import io.promstream.store.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a queue element and applies its samples to the store; every sample ends applied or rejected, never
 * lost and never thrown. One per worker thread: it reuses its sample buffers.
 */
public final class ElementProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ElementProcessor.class);

    private final SampleParser parser;
    private final MetricStore store;
    private final Rejections rejections;
    private final SampleBatch batch = new SampleBatch();
    private RejectReason[] verdicts = new RejectReason[16];

    public ElementProcessor(SampleParser parser, MetricStore store, Rejections rejections) {
        this.parser = parser;
        this.store = store;
        this.rejections = rejections;
    }

    /**
     * @param version the element's place in push order (see {@link Versions})
     * @return how many samples were applied
     */
    public int process(byte[] element, long version, long nowMillis, String source) {
        parser.parse(element, batch);
        if (batch.elementRejection() != null) {
            rejections.reject(batch.elementRejection(), batch.elementError(), element, 0, element.length, source);
            return 0;
        }
        if (verdicts.length < batch.size()) {
            verdicts = new RejectReason[Math.max(batch.size(), verdicts.length * 2)];
        }
        int applied = 0;
        for (int i = 0; i < batch.size(); i++) {
            Sample sample = batch.get(i);
            verdicts[i] = sample.rejection();
            if (sample.isRejected()) {
                rejections.reject(sample.rejection(), sample.error(), element, batch.start(i), batch.end(i), source);
                continue;
            }
            Refusal refusal = apply(sample, version, nowMillis);
            if (refusal == null) {
                applied++;
            } else {
                verdicts[i] = refusal.reason();
                rejections.reject(refusal.reason(), refusal.message(), element, batch.start(i), batch.end(i), source);
            }
        }
        return applied;
    }

    private Refusal apply(Sample sample, long version, long nowMillis) {
        try {
            return store.apply(sample, version, nowMillis);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure applying {}", sample, e);
            return new Refusal(RejectReason.INTERNAL_ERROR, e.toString());
        }
    }

    /** The samples of the last processed element (for callers that report per-sample verdicts). */
    public SampleBatch lastBatch() {
        return batch;
    }

    /** Why sample {@code index} of the last processed element was rejected, or {@code null} when applied. */
    public RejectReason verdict(int index) {
        return verdicts[index];
    }
}
