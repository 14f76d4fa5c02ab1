package io.promstream.ingest;

import io.prometheus.client.Counter;
import io.promstream.parse.PushBody;
import io.promstream.parse.PushMode;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Routing;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.parse.TextFormatException;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.Refusal;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies a queued HTTP push ({@link QueuedPush}) on the gateway holding its shard, with the semantics of the
 * endpoint it was pushed to, and reports the outcome to the {@link PushTracker} (the pushing thread may be
 * waiting here). The body was read and checked when it was pushed; what it could not know then (type conflicts,
 * the series cap, a group's consistency) is decided here, and refusals are counted and dead-lettered here.
 * Samples the push refused at the door were counted there and are skipped.
 */
public final class QueuedPushApplier {
    private final SampleParser parser;
    private final MetricStore store;
    private final Rejections rejections;
    private final PushTracker tracker;
    private final InstantSource clock;
    private final Counter.Child processed;

    public QueuedPushApplier(
            SampleParser parser,
            MetricStore store,
            Rejections rejections,
            PushTracker tracker,
            InstantSource clock,
            Counter.Child processed) {
        this.parser = parser;
        this.store = store;
        this.rejections = rejections;
        this.tracker = tracker;
        this.clock = clock;
        this.processed = processed;
    }

    /** Applies the push to {@code partition}; returns how many samples were applied. */
    int apply(QueuedPush push, long version, Partition partition) {
        HttpIngestor.Outcome outcome = switch (push.op()) {
            case "json" -> json(push, version, partition);
            case "exposition" -> exposition(push, version, partition);
            case "failure" -> {
                store.recordGroupFailure(push.grouping(), clock.millis(), partition);
                yield HttpIngestor.Outcome.applied(0);
            }
            case "delete" -> HttpIngestor.Outcome.applied(store.deleteGroup(push.grouping(), partition));
            case "remove" -> HttpIngestor.Outcome.applied(removeCarrying(push.grouping(), partition));
            case "wipe" -> HttpIngestor.Outcome.applied(store.wipeGroups(partition));
            default -> {
                rejections.reject(
                        RejectReason.INVALID_MESSAGE,
                        "queued push of unknown kind " + push.op(),
                        push.body(),
                        0,
                        push.body().length,
                        push.source());
                yield HttpIngestor.Outcome.refusedWhole(RejectReason.INVALID_MESSAGE, "unknown kind " + push.op());
            }
        };
        tracker.applied(push.id(), outcome);
        boolean samples = "json".equals(push.op()) || "exposition".equals(push.op());
        if (samples) {
            processed.inc(outcome.accepted());
        }
        return samples ? outcome.accepted() : 0;
    }

    private boolean mine(QueuedPush push, Sample sample) {
        return push.shard() < 0 || Routing.shardOf(sample, push.shards()) == push.shard();
    }

    private HttpIngestor.Outcome json(QueuedPush push, long version, Partition partition) {
        SampleBatch batch = new SampleBatch();
        parser.parseBody(push.body(), batch);
        if (batch.elementRejection() != null) { // read when pushed; unreadable now means a damaged element
            rejections.reject(
                    batch.elementRejection(), batch.elementError(), push.body(), 0, push.body().length, push.source());
            return HttpIngestor.Outcome.refusedWhole(batch.elementRejection(), batch.elementError());
        }
        long now = clock.millis();
        int accepted = 0;
        List<HttpIngestor.Refused> refused = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Sample sample = batch.get(i);
            if (sample.isRejected() || !mine(push, sample)) {
                continue;
            }
            Refusal refusal = store.apply(sample, version, now, partition);
            if (refusal == null) {
                accepted++;
            } else {
                refused.add(new HttpIngestor.Refused(i, refusal.reason().label(), refusal.message()));
                rejections.reject(
                        refusal.reason(), refusal.message(), push.body(), batch.start(i), batch.end(i), push.source());
            }
        }
        return new HttpIngestor.Outcome(accepted, refused, null, null, false);
    }

    private HttpIngestor.Outcome exposition(QueuedPush push, long version, Partition partition) {
        PushMode mode = PushMode.valueOf(push.mode());
        List<Sample> samples;
        try {
            samples = PushBody.parse(push.body(), push.contentType(), push.grouping(), mode);
        } catch (TextFormatException e) {
            rejections.reject(e.reason(), e.getMessage(), push.body(), 0, push.body().length, push.source());
            return HttpIngestor.Outcome.refusedWhole(e.reason(), e.getMessage());
        }
        if (push.shard() >= 0) {
            samples.removeIf(s -> !mine(push, s));
        }
        MetricStore.PushResult result = mode == PushMode.REPLACE
                ? store.applyGroup(push.grouping(), push.put(), samples, clock.millis(), partition)
                : store.applyAll(samples, i -> version, clock.millis(), partition);
        if (result.isWhole()) {
            return HttpIngestor.Outcome.applied(result.applied());
        }
        Refusal refusal = result.refusal();
        String what = result.refusedIndex() < 0
                ? ""
                : " (" + samples.get(result.refusedIndex()).name() + ")";
        rejections.reject(refusal.reason(), refusal.message(), push.body(), 0, push.body().length, push.source());
        if (result.applied() == 0) {
            return HttpIngestor.Outcome.refusedWhole(refusal.reason(), refusal.message() + what);
        }
        return new HttpIngestor.Outcome(
                result.applied(),
                List.of(new HttpIngestor.Refused(
                        result.refusedIndex(), refusal.reason().label(), refusal.message())),
                null,
                null,
                false);
    }

    private int removeCarrying(Map<String, String> labels, Partition partition) {
        return store.remove(
                f -> true,
                set -> labels.entrySet().stream().allMatch(e -> set.has(e.getKey(), e.getValue())),
                Long.MAX_VALUE,
                partition);
    }
}
