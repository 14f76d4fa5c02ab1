package io.promstream.parse;

import java.util.List;
import java.util.Map;

/**
 * Everything that changes a partition of the store, decoded once where its input is read (docs/design.md, A
 * sample's way): an HTTP push becomes one of these at the door, travels through the queue in
 * {@link CommandCodec}'s encoding, and is applied as it is. A queue element a sender pushed is a
 * {@link SampleBatch}, the parser's reusable {@link Samples}. Whoever handles commands implements a
 * {@link Handler}, so a new kind of command does not compile until every handler handles it.
 */
public sealed interface Command
        permits Command.Samples,
                Command.KeyedSamples,
                Command.Exposition,
                Command.GroupPush,
                Command.GroupFailure,
                Command.GroupDelete,
                Command.RemoveCarrying,
                Command.Wipe,
                Command.Once {

    /** Does something with each kind of command. */
    interface Handler<R> {
        R samples(Samples samples);

        R keyedSamples(KeyedSamples samples);

        R exposition(Exposition exposition);

        R groupPush(GroupPush push);

        R groupFailure(GroupFailure failure);

        R groupDelete(GroupDelete delete);

        R removeCarrying(RemoveCarrying remove);

        R wipe(Wipe wipe);

        R once(Once once);
    }

    <R> R handle(Handler<R> handler);

    /** How many samples it carries. */
    default int sampleCount() {
        return 0;
    }

    /** The samples it carries; none for a command that carries none. */
    default List<Sample> samples() {
        return List.of();
    }

    /** Samples judged one by one, each applied or refused alone (a queue element, a JSON push). */
    sealed interface Samples extends Command permits SampleList, SampleBatch {
        @Override
        default <R> R handle(Handler<R> handler) {
            return handler.samples(this);
        }

        int size();

        @Override
        default int sampleCount() {
            return size();
        }

        Sample get(int i);

        /** Where sample {@code i} stood in the push it came from (for the refusals the reply lists). */
        int index(int i);
    }

    /** {@link Samples} held in a list, with their places in the push. */
    record SampleList(List<Sample> samples, int[] indexes) implements Samples {
        @Override
        public int size() {
            return samples.size();
        }

        @Override
        public Sample get(int i) {
            return samples.get(i);
        }

        @Override
        public int index(int i) {
            return indexes[i];
        }
    }

    /**
     * Samples judged one by one, each applied at most once per key: a sample whose key the partition keeps
     * already is not applied again (an OTLP delta point sent twice). A key is kept for {@code windowMillis} after
     * the later of its application and the point's time ({@code pointMillis}).
     */
    record KeyedSamples(List<Sample> samples, int[] indexes, long[] keys, long[] pointMillis, long windowMillis)
            implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.keyedSamples(this);
        }

        @Override
        public int sampleCount() {
            return samples.size();
        }

        /** The time until which the key of sample {@code i}, applied at {@code nowMillis}, is kept. */
        public long keepUntil(int i, long nowMillis) {
            return Math.max(nowMillis, pointMillis[i]) + windowMillis;
        }
    }

    /** A pushed exposition added into the store, all or nothing. */
    record Exposition(List<Sample> samples) implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.exposition(this);
        }

        @Override
        public int sampleCount() {
            return samples.size();
        }
    }

    /**
     * A Pushgateway-style group pushed with replace semantics: the whole group ({@code put}) or only the families
     * pushed, taken as pushed.
     */
    record GroupPush(Map<String, String> grouping, boolean put, List<Sample> samples) implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.groupPush(this);
        }

        @Override
        public int sampleCount() {
            return samples.size();
        }
    }

    /** A push to the group was read but refused: its {@code push_failure_time_seconds}. */
    record GroupFailure(Map<String, String> grouping) implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.groupFailure(this);
        }
    }

    /** A group removed ({@code DELETE} with replace semantics). */
    record GroupDelete(Map<String, String> grouping) implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.groupDelete(this);
        }
    }

    /** Every series carrying all these labels removed ({@code DELETE} on an aggregating path). */
    record RemoveCarrying(Map<String, String> labels) implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.removeCarrying(this);
        }
    }

    /** Every group removed ({@code PUT /api/v1/admin/wipe}). */
    record Wipe() implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.wipe(this);
        }
    }

    /**
     * A command applied at most once per key: a partition that keeps the key already (the push was sent again,
     * with the same {@code Idempotency-Key}) does not apply it again. The key is kept for {@code windowMillis}.
     */
    record Once(long key, long windowMillis, Command command) implements Command {
        @Override
        public <R> R handle(Handler<R> handler) {
            return handler.once(this);
        }

        @Override
        public int sampleCount() {
            return command.sampleCount();
        }

        @Override
        public List<Sample> samples() {
            return command.samples();
        }
    }
}
