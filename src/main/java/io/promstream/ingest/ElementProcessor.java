package io.promstream.ingest;

import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses an element and applies its samples to the store; every sample ends applied or rejected, never
 * lost and never thrown. One per worker thread: it reuses its sample buffers.
 */
public final class ElementProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ElementProcessor.class);

    private final SampleParser parser;
    private final MetricStore store;
    private final Rejections rejections;
    private final SampleBatch batch = new SampleBatch();

    public ElementProcessor(SampleParser parser, MetricStore store, Rejections rejections) {
        this.parser = parser;
        this.store = store;
        this.rejections = rejections;
    }

    /**
     * @param version the element's place in push order (see {@link QueueBatch#version})
     * @return how many samples were applied
     */
    public int process(byte[] element, long version, long nowMillis, String source) {
        parser.parse(element, batch);
        if (batch.elementRejection() != null) {
            rejections.reject(batch.elementRejection(), batch.elementError(), element, 0, element.length, source);
            return 0;
        }
        int applied = 0;
        for (int i = 0; i < batch.size(); i++) {
            Sample sample = batch.get(i);
            if (!sample.isRejected()) {
                sample.version(version);
                try {
                    if (store.apply(sample, nowMillis)) {
                        applied++;
                    }
                } catch (RuntimeException e) {
                    LOG.error("Unexpected failure applying {}", sample, e);
                    sample.reject(RejectReason.INTERNAL_ERROR, e.toString());
                }
            }
            if (sample.isRejected()) {
                rejections.reject(sample.rejection(), sample.error(), element, sample.start(), sample.end(), source);
            }
        }
        return applied;
    }

    /** The samples of the last processed element (for callers that report per-sample verdicts). */
    public SampleBatch lastBatch() {
        return batch;
    }
}
