package io.promstream.ingest.push;

import io.prometheus.client.Counter;
import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.Command;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleJson;
import io.promstream.store.MetricStore;
import io.promstream.store.Partition;
import io.promstream.store.PushResult;
import io.promstream.store.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies a queued HTTP push ({@link QueuedCommand}) on the gateway holding its shard, and reports the outcome to
 * the {@link PushTracker} (the pushing thread may be waiting here). The push was read and checked when it was
 * pushed; what it could not know then (type conflicts, the series cap, a group's consistency) is decided here, and
 * refusals are counted and dead-lettered here, the refused sample written in the wire format.
 */
public final class QueuedPushApplier {
    private final MetricStore store;
    private final Rejections rejections;
    private final PushTracker tracker;
    private final InstantSource clock;
    private final Counter.Child processed;
    private final Counter.Child duplicates;
    private final Counter.Child repeats;

    /**
     * @param processed  samples applied
     * @param duplicates samples of a {@link Command.KeyedSamples} not applied again
     * @param repeats    pushes of a {@link Command.Once} not applied again
     */
    public QueuedPushApplier(
            MetricStore store,
            Rejections rejections,
            PushTracker tracker,
            InstantSource clock,
            Counter.Child processed,
            Counter.Child duplicates,
            Counter.Child repeats) {
        this.store = store;
        this.rejections = rejections;
        this.tracker = tracker;
        this.clock = clock;
        this.processed = processed;
        this.duplicates = duplicates;
        this.repeats = repeats;
    }

    /** Applies the push to {@code partition}; returns how many samples were applied. */
    public int apply(QueuedCommand push, long version, Partition partition) {
        Applying applying = new Applying(push.source(), version, clock.millis(), partition);
        HttpIngestor.Outcome outcome = push.command().handle(applying);
        tracker.applied(push.id(), outcome);
        if (applying.samples) {
            processed.inc(outcome.accepted() - applying.repeated);
            return outcome.accepted() - applying.repeated;
        }
        return 0;
    }

    /** One push's application: each kind of command to the store, its refusals reported. */
    private final class Applying implements Command.Handler<HttpIngestor.Outcome> {
        private final String source;
        private final long version;
        private final long now;
        private final Partition partition;
        /** Whether the command carried samples (counted as processed). */
        boolean samples;
        /** Samples not applied again (among those accepted: the sender sees them as the first time). */
        int repeated;

        Applying(String source, long version, long now, Partition partition) {
            this.source = source;
            this.version = version;
            this.now = now;
            this.partition = partition;
        }

        @Override
        public HttpIngestor.Outcome samples(Command.Samples command) {
            samples = true;
            int accepted = 0;
            List<HttpIngestor.Refused> refused = new ArrayList<>();
            for (int i = 0; i < command.size(); i++) {
                Sample sample = command.get(i);
                Refusal refusal = sample.isRejected()
                        ? new Refusal(sample.rejection(), sample.error())
                        : store.apply(sample, version, now, partition);
                if (refusal == null) {
                    accepted++;
                } else {
                    refused.add(new HttpIngestor.Refused(
                            command.index(i), refusal.reason().label(), refusal.message()));
                    deadLetter(refusal, sample);
                }
            }
            return new HttpIngestor.Outcome(accepted, refused, null, null, false);
        }

        /** Each sample whose key the partition does not keep yet, as {@link #samples}; a repeat counts as accepted. */
        @Override
        public HttpIngestor.Outcome keyedSamples(Command.KeyedSamples command) {
            samples = true;
            int accepted = 0;
            int repeated = 0;
            List<HttpIngestor.Refused> refused = new ArrayList<>();
            for (int i = 0; i < command.samples().size(); i++) {
                Sample sample = command.samples().get(i);
                if (!partition.seen().add(command.keys()[i], command.keepUntil(i, now), now)) {
                    repeated++;
                    continue;
                }
                Refusal refusal = sample.isRejected()
                        ? new Refusal(sample.rejection(), sample.error())
                        : store.apply(sample, version, now, partition);
                if (refusal == null) {
                    accepted++;
                } else {
                    refused.add(new HttpIngestor.Refused(
                            command.indexes()[i], refusal.reason().label(), refusal.message()));
                    deadLetter(refusal, sample);
                }
            }
            duplicates.inc(repeated);
            this.repeated += repeated;
            return new HttpIngestor.Outcome(accepted + repeated, refused, null, null, false);
        }

        /**
         * The command, unless the partition keeps its key: then nothing, and the answer says its samples were
         * applied, as the first push's did when none was refused.
         */
        @Override
        public HttpIngestor.Outcome once(Command.Once once) {
            if (partition.seen().add(once.key(), now + once.windowMillis(), now)) {
                return once.command().handle(this);
            }
            repeats.inc();
            repeated += once.sampleCount();
            return HttpIngestor.Outcome.applied(once.sampleCount());
        }

        @Override
        public HttpIngestor.Outcome exposition(Command.Exposition command) {
            samples = true;
            HttpIngestor.Outcome invalid = invalid(command.samples());
            if (invalid != null) {
                return invalid;
            }
            return outcome(command.samples(), store.applyAll(command.samples(), i -> version, now, partition));
        }

        @Override
        public HttpIngestor.Outcome groupPush(Command.GroupPush command) {
            samples = true;
            HttpIngestor.Outcome invalid = invalid(command.samples());
            if (invalid != null) {
                return invalid;
            }
            return outcome(
                    command.samples(),
                    store.applyGroup(command.grouping(), command.put(), command.samples(), now, partition));
        }

        @Override
        public HttpIngestor.Outcome groupFailure(Command.GroupFailure command) {
            store.recordGroupFailure(command.grouping(), now, partition);
            return HttpIngestor.Outcome.applied(0);
        }

        @Override
        public HttpIngestor.Outcome groupDelete(Command.GroupDelete command) {
            return HttpIngestor.Outcome.applied(store.deleteGroup(command.grouping(), partition));
        }

        @Override
        public HttpIngestor.Outcome removeCarrying(Command.RemoveCarrying command) {
            Map<String, String> labels = command.labels();
            return HttpIngestor.Outcome.applied(store.remove(
                    f -> true,
                    set -> labels.entrySet().stream().allMatch(e -> set.has(e.getKey(), e.getValue())),
                    Long.MAX_VALUE,
                    partition));
        }

        @Override
        public HttpIngestor.Outcome wipe(Command.Wipe command) {
            return HttpIngestor.Outcome.applied(store.wipeGroups(partition));
        }

        /** A push applied all or nothing is refused whole for a sample the checks refuse; {@code null} if none. */
        private HttpIngestor.Outcome invalid(List<Sample> pushed) {
            for (Sample sample : pushed) {
                if (sample.isRejected()) {
                    deadLetter(new Refusal(sample.rejection(), sample.error()), sample);
                    return HttpIngestor.Outcome.refusedWhole(sample.rejection(), sample.error());
                }
            }
            return null;
        }

        /** A push applied all or nothing: whole, or refused for one sample. */
        private HttpIngestor.Outcome outcome(List<Sample> pushed, PushResult result) {
            if (result.isWhole()) {
                return HttpIngestor.Outcome.applied(result.applied());
            }
            Refusal refusal = result.refusal();
            int index = result.refusedIndex();
            if (index >= 0 && index < pushed.size()) {
                deadLetter(refusal, pushed.get(index));
            } else {
                byte[] what = refusal.message().getBytes(StandardCharsets.UTF_8);
                rejections.reject(refusal.reason(), refusal.message(), what, 0, what.length, source);
            }
            String which = index < 0 || index >= pushed.size()
                    ? ""
                    : " (" + pushed.get(index).name() + ")";
            if (result.applied() == 0) {
                return HttpIngestor.Outcome.refusedWhole(refusal.reason(), refusal.message() + which);
            }
            return new HttpIngestor.Outcome(
                    result.applied(),
                    List.of(new HttpIngestor.Refused(index, refusal.reason().label(), refusal.message())),
                    null,
                    null,
                    false);
        }

        private void deadLetter(Refusal refusal, Sample sample) {
            byte[] payload = SampleJson.render(sample);
            rejections.reject(refusal.reason(), refusal.message(), payload, 0, payload.length, source);
        }
    }
}
