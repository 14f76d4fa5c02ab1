package io.promstream.ingest.push;

import io.promstream.ingest.reject.Rejections;
import io.promstream.parse.Command;
import io.promstream.parse.PushBody;
import io.promstream.parse.PushMode;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Routing;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleParser;
import io.promstream.parse.SampleValidator;
import io.promstream.parse.TextFormatException;
import io.promstream.parse.Truncate;
import io.promstream.parse.otlp.OtlpExport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes HTTP pushes in (docs/semantics.md, HTTP pushes): reads and checks the body, refuses at once what is
 * unreadable or invalid, then puts the push onto the queue, onto the shard its series (or its group) belong to,
 * so that it is durable before the reply and applied by whichever gateway holds that shard. When this gateway
 * holds every shard the push went to, it waits for its workers to apply it and answers with what became of it;
 * otherwise (or when that takes longer than {@code applyTimeoutMillis}) it answers that the push is queued.
 * Redis errors propagate: nothing was promised. Thread-safe.
 */
public final class HttpIngestor {
    /** One refused sample of a push, by its index in the push. */
    public record Refused(int index, String reason, String error) {}

    /**
     * What became of a push: how many samples were applied, which were refused, or why all were; or that it is
     * queued, durable, for a gateway to apply ({@code queued}).
     */
    public record Outcome(
            int accepted, List<Refused> refused, RejectReason bodyRejection, String bodyError, boolean queued) {
        static Outcome refusedWhole(RejectReason reason, String error) {
            return new Outcome(0, List.of(), reason, error, false);
        }

        public static Outcome applied(int accepted) {
            return new Outcome(accepted, List.of(), null, null, false);
        }
    }

    private final SampleParser parser;
    final Rejections rejections;
    final PushQueue writer;
    private final PushTracker tracker;
    private final long applyTimeoutMillis;
    private final String idPrefix;
    private final AtomicLong pushes;
    private final long onceWindowMillis;
    /** The key of a push sent with an {@code Idempotency-Key}, or 0 (see {@link #once}). */
    private final long onceKey;
    /** The TTL of the series this push touches ({@code X-Series-TTL}), or {@link Sample#NO_TTL}. */
    private final long ttlMillis;
    /** The credential that authorized this push ({@link #credential}), or {@code null}. */
    private final String credential;
    /** How many times this push queued commands: a push queued in several steps keys each step apart. */
    private int steps;

    /** @param onceWindowMillis how long the key of a push with an {@code Idempotency-Key} is kept */
    public HttpIngestor(
            SampleParser parser,
            Rejections rejections,
            PushQueue writer,
            PushTracker tracker,
            long applyTimeoutMillis,
            long onceWindowMillis,
            String gatewayId) {
        this.parser = parser;
        this.rejections = rejections;
        this.writer = writer;
        this.tracker = tracker;
        this.applyTimeoutMillis = applyTimeoutMillis;
        this.onceWindowMillis = onceWindowMillis;
        this.idPrefix = gatewayId + ":" + System.currentTimeMillis() + ":";
        this.pushes = new AtomicLong();
        this.onceKey = 0;
        this.ttlMillis = Sample.NO_TTL;
        this.credential = null;
    }

    private HttpIngestor(HttpIngestor base, long onceKey, long ttlMillis, String credential) {
        this.parser = base.parser;
        this.rejections = base.rejections;
        this.writer = base.writer;
        this.tracker = base.tracker;
        this.applyTimeoutMillis = base.applyTimeoutMillis;
        this.onceWindowMillis = base.onceWindowMillis;
        this.idPrefix = base.idPrefix;
        this.pushes = base.pushes;
        this.onceKey = onceKey;
        this.ttlMillis = ttlMillis;
        this.credential = credential;
    }

    /**
     * This ingestor for one push sent with an {@code Idempotency-Key} (docs/http-api.md, Idempotent pushes): what
     * it queues is applied at most once per key, on every shard, within the window; {@code null} or empty: itself.
     */
    public HttpIngestor once(String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isEmpty()) {
            return this;
        }
        return new HttpIngestor(this, IdempotencyKeys.of(idempotencyKey), ttlMillis, credential);
    }

    /**
     * This ingestor for one push whose series live {@code ttlMillis} after their last update (docs/http-api.md,
     * Series TTL); a sample's own {@code ttl} wins. {@link Sample#NO_TTL}: itself.
     */
    public HttpIngestor ttl(long ttlMillis) {
        return ttlMillis == Sample.NO_TTL ? this : new HttpIngestor(this, onceKey, ttlMillis, credential);
    }

    /**
     * This ingestor for one push authorized by this credential (docs/semantics.md, Credential quotas): the
     * series it creates count toward the credential's quota. {@code null}: itself.
     */
    public HttpIngestor credential(String credential) {
        return credential == null ? this : new HttpIngestor(this, onceKey, ttlMillis, credential);
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
        List<Refused> refused = new ArrayList<>();
        SortedMap<Integer, List<Integer>> byShard = new TreeMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Sample sample = batch.get(i);
            if (sample.isRejected()) {
                refused.add(new Refused(i, sample.rejection().label(), sample.error()));
                rejections.reject(sample.rejection(), sample.error(), body, batch.start(i), batch.end(i), from);
            } else {
                byShard.computeIfAbsent(Routing.shardOf(sample, writer.shards()), s -> new ArrayList<>())
                        .add(i);
            }
        }
        if (byShard.isEmpty()) {
            return new Outcome(0, refused, null, null, false);
        }
        SortedMap<Integer, Command> commands = new TreeMap<>();
        byShard.forEach((shard, indexes) -> {
            List<Sample> samples = new ArrayList<>();
            indexes.forEach(i -> samples.add(batch.detach(i)));
            commands.put(
                    shard,
                    new Command.SampleList(
                            samples,
                            indexes.stream().mapToInt(Integer::intValue).toArray()));
        });
        Outcome queued = queue(commands, from);
        List<Refused> all = new ArrayList<>(refused);
        all.addAll(queued.refused());
        all.sort(Comparator.comparingInt(Refused::index));
        return new Outcome(queued.accepted(), all, queued.bodyRejection(), queued.bodyError(), queued.queued());
    }

    /** A pushed text exposition, aggregated (what {@code PUT}/{@code POST} on an aggregating path do). */
    public Outcome ingestText(byte[] body, Map<String, String> grouping, String source) {
        return ingestExposition(body, null, grouping, PushMode.AGGREGATE, false, source);
    }

    /**
     * A pushed exposition (docs/wire-format.md, Pushed expositions: text, or protobuf when {@code contentType} says
     * so) with the grouping labels of its path, all or nothing: read, checked and converted whole
     * ({@link PushBody}) here, then applied whole where its shard is held, aggregated or replacing its group (the
     * whole group for a {@code PUT}, the pushed families for a {@code POST}). A group's push goes to its grouping
     * key's shard; an aggregated push to its series' shards (split, when there are several).
     */
    public Outcome ingestExposition(
            byte[] body, String contentType, Map<String, String> grouping, PushMode mode, boolean put, String source) {
        List<Sample> samples;
        try {
            samples = PushBody.parse(body, contentType, grouping, mode);
        } catch (TextFormatException e) {
            rejections.reject(e.reason(), e.getMessage(), body, 0, body.length, source);
            if (mode == PushMode.REPLACE && e.isReadable()) { // as the Pushgateway, for a push it could read
                queue(onGroupShard(grouping, new Command.GroupFailure(grouping)), source);
            }
            return Outcome.refusedWhole(e.reason(), e.getMessage());
        }
        for (Sample sample : samples) {
            String tooLarge = SampleValidator.checkSize(sample, parser.maxMessageBytes());
            if (tooLarge != null) {
                String error = "series " + Truncate.text(sample.name(), 100) + ": " + tooLarge;
                rejections.reject(RejectReason.TOO_LARGE, error, body, 0, Math.min(body.length, 200), source);
                return Outcome.refusedWhole(RejectReason.TOO_LARGE, error);
            }
        }
        if (mode == PushMode.REPLACE) {
            return queue(onGroupShard(grouping, new Command.GroupPush(grouping, put, samples)), source);
        }
        SortedMap<Integer, List<Sample>> byShard = new TreeMap<>();
        for (Sample sample : samples) {
            byShard.computeIfAbsent(Routing.shardOf(sample, writer.shards()), s -> new ArrayList<>())
                    .add(sample);
        }
        if (byShard.isEmpty()) {
            return Outcome.applied(0);
        }
        SortedMap<Integer, Command> commands = new TreeMap<>();
        byShard.forEach((shard, part) -> commands.put(shard, new Command.Exposition(part)));
        return queue(commands, source);
    }

    /** An OTLP export, translated at the door (docs/otlp.md): see {@link OtlpPushes}. */
    public Outcome ingestOtlp(OtlpExport export, long windowMillis, String source) {
        return OtlpPushes.ingest(this, export, windowMillis, source);
    }

    /** Removes a Pushgateway-style group, whole (a {@code DELETE} in replace mode). */
    public Outcome deleteGroup(Map<String, String> grouping) {
        return queue(onGroupShard(grouping, new Command.GroupDelete(grouping)), "http delete");
    }

    /** Removes every series carrying all these labels (a {@code DELETE} on an aggregating path), on every shard. */
    public Outcome removeCarrying(Map<String, String> labels) {
        return queue(onEveryShard(new Command.RemoveCarrying(labels)), "http delete");
    }

    /** Removes every Pushgateway-style group ({@code /api/v1/admin/wipe}), on every shard. */
    public Outcome wipe() {
        return queue(onEveryShard(new Command.Wipe()), "http wipe");
    }

    /** The command for the shard a group's grouping key routes to. */
    SortedMap<Integer, Command> onGroupShard(Map<String, String> grouping, Command command) {
        return new TreeMap<>(Map.of(Routing.shardOfGroup(grouping, writer.shards()), command));
    }

    /** The command for every shard. */
    private SortedMap<Integer, Command> onEveryShard(Command command) {
        SortedMap<Integer, Command> all = new TreeMap<>();
        for (int i = 0; i < writer.shards(); i++) {
            all.put(i, command);
        }
        return all;
    }

    /**
     * Queues the push onto its shards, a command each, whole or not at all, then waits for it to be applied when
     * every one of those shards is held here.
     */
    Outcome queue(SortedMap<Integer, Command> commands, String source) {
        String id = idPrefix + pushes.incrementAndGet();
        long key = onceKey == 0 ? 0 : IdempotencyKeys.step(onceKey, steps++);
        if (ttlMillis != Sample.NO_TTL || credential != null) {
            commands.values().forEach(c -> c.samples().forEach(s -> s.pushed(ttlMillis, credential)));
        }
        boolean local = commands.keySet().stream().allMatch(writer::heldHere);
        PushTracker.Waiter waiter = local ? tracker.expect(id, commands.size()) : null;
        try {
            SortedMap<Integer, byte[]> copies = new TreeMap<>();
            commands.forEach((shard, command) -> copies.put(
                    shard,
                    new QueuedCommand(
                                    id,
                                    source,
                                    key == 0 || command instanceof Command.GroupFailure // a refusal repeats alone
                                            ? command
                                            : new Command.Once(key, onceWindowMillis, command))
                            .encode()));
            writer.push(id, copies);
            if (waiter == null) {
                return new Outcome(0, List.of(), null, null, true);
            }
            List<Outcome> outcomes = waiter.await(applyTimeoutMillis);
            return outcomes == null ? new Outcome(0, List.of(), null, null, true) : PushOutcomes.merge(outcomes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, List.of(), null, null, true);
        } finally {
            if (waiter != null) {
                waiter.close();
            }
        }
    }
}
