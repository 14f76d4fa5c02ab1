package io.promstream.ingest;

import io.prometheus.client.Counter;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.parse.TextFormatException;
import io.promstream.parse.PushBody;
import io.promstream.parse.PushMode;
import io.promstream.store.MetricStore;
import io.promstream.store.Refusal;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies HTTP pushes with the queue's semantics: the same parsers, store, rejections and ordering versions
 * (each push is numbered like a batch taken from the queue). The HTTP resources only read bodies and answer;
 * this decides. Thread-safe.
 */
public final class HttpIngestor {
    /** One refused sample of a push, by its index in the push. */
    public record Refused(int index, String reason, String error) {
    }

    /** What became of a push: how many samples were applied, which were refused, or why all were. */
    public record Outcome(int accepted, List<Refused> refused, RejectReason bodyRejection, String bodyError) {
        static Outcome refusedWhole(RejectReason reason, String error) {
            return new Outcome(0, List.of(), reason, error);
        }
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

    /** A JSON body (docs/wire-format.md: object, array, or wrapper); each sample judged alone. */
    public Outcome ingestJson(byte[] body, String endpoint) {
        SampleBatch batch = new SampleBatch();
        String source = parser.parseBody(body, batch);
        String from = source == null ? endpoint : endpoint + " (" + source + ")";
        if (batch.elementRejection() != null) {
            rejections.reject(batch.elementRejection(), batch.elementError(), body, 0, body.length, from);
            return Outcome.refusedWhole(batch.elementRejection(), batch.elementError());
        }
        long number = sequence.begin();
        long now = clock.millis();
        int accepted = 0;
        List<Refused> refused = new ArrayList<>();
        try {
            for (int i = 0; i < batch.size(); i++) {
                Sample sample = batch.get(i);
                Refusal refusal = sample.isRejected() ? new Refusal(sample.rejection(), sample.error())
                        : store.apply(sample, Versions.of(number, i), now);
                if (refusal == null) {
                    accepted++;
                } else {
                    refused.add(new Refused(i, refusal.reason().label(), refusal.message()));
                    rejections.reject(refusal.reason(), refusal.message(), body, batch.start(i), batch.end(i), from);
                }
            }
        } finally {
            sequence.end(number);
            processed.inc(accepted);
        }
        return new Outcome(accepted, refused, null, null);
    }

    /** A pushed text exposition, aggregated (what {@code PUT}/{@code POST} on an aggregating path do). */
    public Outcome ingestText(byte[] body, Map<String, String> grouping, String source) {
        return ingestExposition(body, null, grouping, PushMode.AGGREGATE, false, source);
    }

    /**
     * A pushed exposition (docs/wire-format.md, Pushed expositions: text, or protobuf when {@code contentType} says
     * so) with the grouping labels of its path, all or nothing: read, checked and converted whole
     * ({@link PushBody}), then applied whole, aggregated ({@link MetricStore#applyAll}) or replacing its group
     * ({@link MetricStore#applyGroup}: the whole group for a {@code PUT}, the pushed families for a {@code POST}).
     * The first problem refuses it and is reported once.
     */
    public Outcome ingestExposition(byte[] body, String contentType, Map<String, String> grouping, PushMode mode,
            boolean put, String source) {
        List<Sample> samples;
        try {
            samples = PushBody.parse(body, contentType, grouping, mode);
        } catch (TextFormatException e) {
            if (mode == PushMode.REPLACE && e.isReadable()) {
                store.recordGroupFailure(grouping, clock.millis()); // as the Pushgateway, for a push it could read
            }
            rejections.reject(e.reason(), e.getMessage(), body, 0, body.length, source);
            return Outcome.refusedWhole(e.reason(), e.getMessage());
        }
        MetricStore.PushResult result;
        if (mode == PushMode.REPLACE) {
            result = store.applyGroup(grouping, put, samples, clock.millis());
        } else {
            long number = sequence.begin();
            try {
                result = store.applyAll(samples, i -> Versions.of(number, i), clock.millis());
            } finally {
                sequence.end(number);
            }
        }
        processed.inc(result.applied());
        if (result.isWhole()) {
            return new Outcome(result.applied(), List.of(), null, null);
        }
        Refusal refusal = result.refusal();
        String what = result.refusedIndex() < 0 ? "" : " (" + samples.get(result.refusedIndex()).name() + ")";
        rejections.reject(refusal.reason(), refusal.message(), body, 0, body.length, source);
        if (result.applied() == 0) {
            return Outcome.refusedWhole(refusal.reason(), refusal.message() + what);
        }
        return new Outcome(result.applied(), List.of(new Refused(result.refusedIndex(), refusal.reason().label(),
                refusal.message())), null, null);
    }

    /** Removes a Pushgateway-style group, whole (a {@code DELETE} in replace mode); returns how many series went. */
    public int deleteGroup(Map<String, String> grouping) {
        return store.deleteGroup(grouping);
    }

    /** Removes every series carrying all these labels (a Pushgateway-style DELETE); returns how many. */
    public int removeCarrying(Map<String, String> labels) {
        return store.remove(f -> true,
                set -> labels.entrySet().stream().allMatch(e -> set.has(e.getKey(), e.getValue())), Long.MAX_VALUE);
    }
}
