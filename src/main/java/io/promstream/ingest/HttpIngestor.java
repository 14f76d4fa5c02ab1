package io.promstream.ingest;

import io.prometheus.client.Counter;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSettings;
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
     * A whole push validated first: if any sample would be refused (type conflict with the store or with
     * another line of the push, reserved name, other bucket layout), nothing is applied and that refusal is
     * reported. Only the series cap can still refuse part of a push (other pushes may create series
     * meanwhile); those samples are reported by index.
     */
    public Outcome ingestAll(List<Sample> samples, byte[] body, String endpoint) {
        // the push is checked against the store as it is, and against itself: a scratch store receives it
        // first, so a family created by one line conflicts with a later line exactly as it will for real
        MetricStore scratch = new MetricStore(new StoreSettings(Integer.MAX_VALUE, 60_000, 1), clock);
        for (Sample sample : samples) {
            if (!store.precheck(sample) || !scratch.apply(sample, 0)) {
                rejections.reject(sample.rejection(), sample.error(), body, 0, body.length, endpoint);
                return new Outcome(0, List.of(), sample.rejection(), sample.error() + " (" + sample.name() + ")");
            }
        }
        return apply(samples, body, endpoint, false);
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
