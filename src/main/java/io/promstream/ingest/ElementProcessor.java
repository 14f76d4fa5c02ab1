package io.promstream.ingest;

import io.prometheus.client.Counter;
import io.promstream.ingest.push.IdempotencyKeys;
import io.promstream.ingest.push.QueuedCommand;
import io.promstream.ingest.push.QueuedPushApplier;
import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.KnownElements;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Routing;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.Refusal;
import io.promstream.store.Series;
import java.io.IOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a queue element and applies its samples to the store; every sample ends applied or rejected, never
 * lost and never thrown. One per worker thread: it reuses its sample buffers.
 */
public final class ElementProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ElementProcessor.class);
    /** Elements a worker recognises on their bytes ({@link KnownElements}): a few MB at most. */
    private static final int KNOWN_SLOTS = 8192;

    private final SampleParser parser;
    private final MetricStore store;
    private final Rejections rejections;
    private final Counter.Child misrouted;
    private final QueuedPushApplier queuedPushes;
    private long idWindowMillis = 15 * 60_000L;
    private Counter.Child repeats;
    private final SampleBatch batch = new SampleBatch();
    private final KnownElements<Target> known = new KnownElements<>(KNOWN_SLOTS);
    private RejectReason[] verdicts = new RejectReason[16];
    /** Elements applied through {@link KnownElements}, for tests. */
    private long knownApplied;

    public ElementProcessor(
            SampleParser parser,
            MetricStore store,
            Rejections rejections,
            Counter.Child misrouted,
            QueuedPushApplier queuedPushes) {
        this.parser = parser;
        this.store = store;
        this.rejections = rejections;
        this.misrouted = misrouted;
        this.queuedPushes = queuedPushes;
    }

    /**
     * How long the {@code id} of an element or a sample is kept (docs/wire-format.md, Ids), and where a repeat is
     * counted; by default 15 minutes and nowhere.
     */
    public ElementProcessor ids(long windowMillis, Counter.Child repeats) {
        this.idWindowMillis = windowMillis;
        this.repeats = repeats;
        return this;
    }

    /** Whether an id is new to the partition (and keeps it now); a repeat is counted. */
    private boolean firstTime(String kind, String id, long nowMillis, Partition partition) {
        if (partition.seen().add(IdempotencyKeys.of(kind + id), nowMillis + idWindowMillis, nowMillis)) {
            return true;
        }
        if (repeats != null) {
            repeats.inc();
        }
        return false;
    }

    /**
     * Applies an element that arrived on shard {@code partition.id()} of {@code shards} to that shard's
     * partition. An element is routed by its first sample; when that sample's series belongs to another shard,
     * its samples are still applied here, and counted as misrouted.
     *
     * @param version the element's place in push order (see {@link io.promstream.queue.Versions})
     * @return how many samples were applied
     */
    public int process(byte[] element, long version, long nowMillis, String source, Partition partition, int shards) {
        if (QueuedCommand.isQueued(element)) {
            QueuedCommand push;
            try {
                push = QueuedCommand.decode(element, parser);
            } catch (IOException | RuntimeException e) {
                rejections.reject(
                        RejectReason.INVALID_MESSAGE,
                        "damaged queued push: " + e.getMessage(),
                        element,
                        0,
                        element.length,
                        source);
                return 0;
            }
            return queuedPushes.apply(push, version, partition);
        }
        KnownElements.Known<Target> match = known.match(element, partition);
        if (match != null) {
            return applyKnown(match, element, version, nowMillis, source);
        }
        String sender = parser.parse(element, batch);
        if (sender != null) { // a wrapper's source names its sender, as on POST /api/metrics
            source = source + " (" + sender + ")";
        }
        boolean misroutedElement = false;
        if (shards > 1 && batch.elementRejection() == null && batch.size() > 0) {
            Sample first = batch.get(0);
            if (!first.isRejected() && Routing.shardOf(first, shards) != partition.id()) {
                misrouted.inc(batch.size());
                misroutedElement = true;
            }
        }
        int applied = applyParsed(element, version, nowMillis, source, partition);
        if (applied == 1 && batch.size() == 1 && verdicts[0] == null && known.seenBefore()) {
            Series series = store.find(batch.get(0), partition);
            if (series != null) {
                known.learn(
                        element,
                        parser.valueSpan(element),
                        batch.detach(0),
                        partition,
                        new Target(series, partition, misroutedElement));
            }
        }
        return applied;
    }

    /** An element {@link KnownElements} recognised: its series takes the new value, as the full path would. */
    private int applyKnown(
            KnownElements.Known<Target> match, byte[] element, long version, long nowMillis, String source) {
        Target target = match.target();
        if (target.misrouted()) {
            misrouted.inc();
        }
        Refusal refusal = apply(match.sample(), version, nowMillis, target.partition(), target.series());
        knownApplied++;
        if (refusal != null) {
            rejections.reject(refusal.reason(), refusal.message(), element, 0, element.length, source);
            return 0;
        }
        return 1;
    }

    /** Where a known element's sample goes: its series, found in its partition when it was learnt. */
    private record Target(Series series, Partition partition, boolean misrouted) {}

    long knownApplied() {
        return knownApplied;
    }

    /**
     * Parses and applies an element into a partition by the full path, never recognising it on its bytes, so that
     * {@link #lastBatch} and {@link #verdict} tell what became of each of its samples.
     */
    public int parseAndApply(byte[] element, long version, long nowMillis, String source, Partition partition) {
        String sender = parser.parse(element, batch);
        return applyParsed(
                element, version, nowMillis, sender == null ? source : source + " (" + sender + ")", partition);
    }

    private int applyParsed(byte[] element, long version, long nowMillis, String source, Partition partition) {
        if (batch.elementRejection() != null) {
            rejections.reject(batch.elementRejection(), batch.elementError(), element, 0, element.length, source);
            return 0;
        }
        if (verdicts.length < batch.size()) {
            verdicts = new RejectReason[Math.max(batch.size(), verdicts.length * 2)];
        }
        int applied = 0;
        if (batch.elementId() != null && !firstTime("element\0", batch.elementId(), nowMillis, partition)) {
            Arrays.fill(verdicts, 0, batch.size(), null);
            return 0; // the sender sent it again: applied once already
        }
        for (int i = 0; i < batch.size(); i++) {
            Sample sample = batch.get(i);
            verdicts[i] = sample.rejection();
            if (sample.isRejected()) {
                rejections.reject(sample.rejection(), sample.error(), element, batch.start(i), batch.end(i), source);
                continue;
            }
            if (sample.id() != null && !firstTime("sample\0", sample.id(), nowMillis, partition)) {
                continue;
            }
            Refusal refusal = apply(sample, version, nowMillis, partition, null);
            if (refusal == null) {
                applied++;
            } else {
                verdicts[i] = refusal.reason();
                rejections.reject(refusal.reason(), refusal.message(), element, batch.start(i), batch.end(i), source);
            }
        }
        return applied;
    }

    /**
     * Applies a sample to the partition, to {@code known} when it is the sample's series already found; a bug is
     * refused as {@code internal_error}, never thrown.
     */
    private Refusal apply(Sample sample, long version, long nowMillis, Partition partition, Series known) {
        try {
            if (known != null) {
                return store.applyTo(known, sample, version, nowMillis, partition);
            }
            return store.apply(sample, version, nowMillis, partition);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure applying {}", sample, e);
            return new Refusal(RejectReason.INTERNAL_ERROR, e.toString());
        }
    }

    /**
     * The samples of the last element parsed (for callers that report per-sample verdicts, after
     * {@link #parseAndApply}; an element a worker recognised on its bytes is not parsed into it).
     */
    public SampleBatch lastBatch() {
        return batch;
    }

    /** Why sample {@code index} of the last processed element was rejected, or {@code null} when applied. */
    public RejectReason verdict(int index) {
        return verdicts[index];
    }
}
