package io.promstream.ingest;

import io.prometheus.client.Counter;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies HTTP pushes with the queue's semantics: the same parser, store, rejections and ordering versions
 * (each push is numbered like a batch taken from the queue). Thread-safe.
 */
public final class HttpIngestor {
    /** One refused sample of a push, by its index in the push. */
    public record Refused(int index, String reason, String error) {
    }

    /** What became of a push: how many samples were applied, which were refused, or why all were. */
    public record Outcome(int accepted, List<Refused> refused, RejectReason bodyRejection, String bodyError) {
    }

    private final SampleParser parser;
    private final MetricStore store;
    private final Rejections rejections;
    private final VersionSequence sequence;
    private final InstantSource clock;
    private final Counter.Child processed;

    public HttpIngestor(SampleParser parser, MetricStore store, Rejections rejections, VersionSequence sequence,
            InstantSource clock, Counter.Child processed) {
        this.parser = parser;
        this.store = store;
        this.rejections = rejections;
        this.sequence = sequence;
        this.clock = clock;
        this.processed = processed;
    }

    /** A SPEC §2 JSON body (object, array, or {@code {"metrics": [...]}}); each sample judged alone. */
    public Outcome ingestJson(byte[] body, String endpoint) {
        SampleBatch batch = new SampleBatch();
        String source = parser.parseBody(body, batch);
        String from = source == null ? endpoint : endpoint + " (" + source + ")";
        if (batch.elementRejection() != null) {
            rejections.reject(batch.elementRejection(), batch.elementError(), body, 0, body.length, from);
            return new Outcome(0, List.of(), batch.elementRejection(), batch.elementError());
        }
        List<Sample> samples = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            samples.add(batch.get(i));
        }
        return apply(samples, body, from, true);
    }

    /**
     * A whole push, all or nothing ({@link MetricStore#applyAll}): a type or name conflict with the store or
     * within the push, a reserved name, another bucket layout or the series cap refuses it whole, and that
     * refusal is reported. Numbered like a batch taken from the queue, for the gauges' push order.
     */
    public Outcome ingestAll(List<Sample> samples, byte[] body, String endpoint) {
        long batch = sequence.begin();
        long firstVersion = batch << QueueBatch.INDEX_BITS;
        MetricStore.PushResult result;
        try {
            for (int i = 0; i < samples.size(); i++) {
                samples.get(i).version(firstVersion + Math.min(i, QueueBatch.MAX_SIZE - 1));
            }
            result = store.applyAll(samples, clock.millis());
        } finally {
            sequence.end(batch);
        }
        processed.inc(result.applied());
        Sample refused = result.refused();
        if (refused == null) {
            return new Outcome(result.applied(), List.of(), null, null);
        }
        rejections.reject(refused.rejection(), refused.error(), body, 0, body.length, endpoint);
        if (result.applied() == 0) {
            return new Outcome(0, List.of(), refused.rejection(), refused.error() + " (" + refused.name() + ")");
        }
        return new Outcome(result.applied(), List.of(new Refused(samples.indexOf(refused),
                refused.rejection().label(), refused.error())), null, null);
    }

    /** Refuses a whole push that could not be parsed; counted and logged like any rejection. */
    public void refuse(RejectReason reason, String error, byte[] body, String endpoint) {
        rejections.reject(reason, error, body, 0, body.length, endpoint);
    }

    private Outcome apply(List<Sample> samples, byte[] body, String from, boolean slices) {
        long batch = sequence.begin();
        long firstVersion = batch << QueueBatch.INDEX_BITS;
        long now = clock.millis();
        int accepted = 0;
        List<Refused> refused = new ArrayList<>();
        try {
            for (int i = 0; i < samples.size(); i++) {
                Sample sample = samples.get(i);
                if (!sample.isRejected()) {
                    sample.version(firstVersion + Math.min(i, QueueBatch.MAX_SIZE - 1));
                    if (store.apply(sample, now)) {
                        accepted++;
                        continue;
                    }
                }
                refused.add(new Refused(i, sample.rejection().label(), sample.error()));
                int from0 = slices ? sample.start() : 0;
                int to = slices ? sample.end() : body.length;
                rejections.reject(sample.rejection(), sample.error(), body, from0, to, from);
            }
        } finally {
            sequence.end(batch);
            processed.inc(accepted);
        }
        return new Outcome(accepted, refused, null, null);
    }
}
