package io.promstream.queue.sim;

import io.promstream.queue.Checkpoints;
import io.promstream.queue.ForwardingShardRedis;
import io.promstream.queue.Lease;
import io.promstream.queue.PushRedis;
import io.promstream.queue.QueueWriter;
import io.promstream.queue.Reader;
import io.promstream.queue.ShardCoordinator;
import io.promstream.queue.ShardKeys;
import io.promstream.queue.ShardRedis;
import io.promstream.queue.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A deterministic simulation of the sharded queue's exactly-once protocol (docs/design.md, Proving it): the real
 * {@link Lease}, {@link Reader} and {@link Checkpoints} of N gateways on M shards, and the coordinator's share rule,
 * over the {@link RedisModel}, driven by one seeded scheduler on a simulated clock. Each gateway's workers take at
 * once (their reads overlap), a checkpointer commits with no read in flight, a coordinator renews, balances, opens
 * and closes shards, as the gateway's threads do; every step is an event at a simulated time, so one seed is one
 * interleaving, replayed exactly.
 *
 * <p>Faults at every step: a Redis call's request or reply lost (the call ran, or not), a gateway killed and
 * started again, a gateway paused past its lease, a failover that loses the writes since the replica last caught
 * up (the trimmed count goes back, or elements already read vanish while the lease survives), and senders pushing
 * throughout. Checked all along: no shard exposed by two gateways at one instant, and a tenure hands elements out
 * in list order; at the end, once everything is healed and drained: every element pushed and kept by Redis is
 * exposed exactly once, and none that Redis lost.
 */
public final class Simulation {
    /** The shape of one run; small, so that thousands of seeds run in a minute. */
    record Config(
            int gateways,
            int shards,
            int workers,
            int popCount,
            long leaseMillis,
            long checkpointMillis,
            long pushUntilMillis,
            int elements,
            int httpPushes,
            long stagedTimeoutMillis) {
        static Config draw(Random random) {
            return new Config(
                    1 + random.nextInt(3),
                    1 + random.nextInt(3),
                    1 + random.nextInt(3),
                    1 + random.nextInt(4),
                    300 + random.nextInt(3) * 300,
                    20 + random.nextInt(200),
                    2_000 + random.nextInt(2_000),
                    20 + random.nextInt(60),
                    random.nextInt(9),
                    200 + random.nextInt(1_800));
        }
    }

    /** A broken invariant, with the seed that shows it. */
    public static final class Violation extends AssertionError {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message);
        }

        Violation(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final long END_MILLIS = 60_000;
    private static final String QUEUE = "sim:queue";
    /** How long a push whose reply was lost asks whether it landed, and a push-once marker is kept. */
    private static final long SETTLE_MILLIS = 1_000;

    private static final long MARKER_MILLIS = 60_000;

    private final long seed;
    private final Random random;
    private final Config config;
    private final RedisModel redis;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final List<Gateway> gateways = new ArrayList<>();
    /** Every element pushed, by shard, in push order; and those Redis lost in a failover. */
    private final List<List<Long>> pushed = new ArrayList<>();

    private final TreeMap<Long, Boolean> lost = new TreeMap<>();
    /** Failovers so far, by shard: a tenure may find Redis moved under it only after one. */
    private final int[] failovers;

    /** The HTTP pushes, each split over one or more shards, and what their writers answered. */
    private final List<HttpPush> httpPushes = new ArrayList<>();
    /** Where each element landed on its list: the n-th pushed onto any list. */
    private final Map<Long, Long> listOrder = new HashMap<>();

    private long listPushes;

    private final List<SteppedTask> tasks = new ArrayList<>();

    private final List<String> trace = new ArrayList<>();
    private long now;
    private long sequence;
    private long nextElement;
    private int nextGatewayId;
    private boolean faults = true;
    /** The probability, in thousandths, that a Redis call loses its request or its reply. */
    private final int callFaults;

    public Simulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        this.config = Config.draw(random);
        this.redis = new RedisModel(config.shards(), () -> now);
        this.callFaults = random.nextInt(60);
        for (int s = 0; s < config.shards(); s++) {
            pushed.add(new ArrayList<>());
        }
        this.failovers = new int[config.shards()];
        redis.onListPush(element -> listOrder.put(id(element), listPushes++)); // again, after a failover
    }

    private static long id(byte[] element) {
        return Long.parseLong(new String(element, StandardCharsets.US_ASCII));
    }

    private record Event(long time, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(order, o.order);
        }
    }

    private void at(long delay, Runnable action) {
        events.add(new Event(now + Math.max(0, delay), sequence++, action));
    }

    private long jitter(int max) {
        return random.nextInt(max + 1);
    }

    private void note(String line) {
        if (trace.size() < 400) {
            trace.add(now + " ms: " + line);
        }
    }

    /** What one seed's HTTP pushes came to: how many, how many split, and what their writers answered. */
    public record PushCounts(int pushes, int split, int stored, int notStored, int unknown, int unanswered) {
        public static final PushCounts NONE = new PushCounts(0, 0, 0, 0, 0, 0);

        public PushCounts plus(PushCounts o) {
            return new PushCounts(
                    pushes + o.pushes,
                    split + o.split,
                    stored + o.stored,
                    notStored + o.notStored,
                    unknown + o.unknown,
                    unanswered + o.unanswered);
        }
    }

    /**
     * Runs the seed to its end and checks it; throws a {@link Violation} naming the seed when it fails.
     *
     * @return what its HTTP pushes came to
     */
    public PushCounts run() {
        try {
            for (int g = 0; g < config.gateways(); g++) {
                startGateway();
            }
            schedulePushes();
            scheduleHttpPushes();
            scheduleFaults();
            at(config.pushUntilMillis() + 3_000, () -> faults = false);
            while (!events.isEmpty() && now < END_MILLIS) {
                Event e = events.poll();
                now = e.time();
                e.action().run();
                checkExposure();
                if (!faults && now > config.pushUntilMillis() + 3_000 && settled()) {
                    break;
                }
            }
            checkFinal();
            return counts();
        } catch (Violation v) {
            throw v;
        } catch (RuntimeException e) {
            throw new Violation(describe("the simulation itself failed: " + e), e);
        } finally {
            tasks.forEach(SteppedTask::kill);
        }
    }

    private PushCounts counts() {
        PushCounts sum = PushCounts.NONE;
        for (HttpPush p : httpPushes) {
            sum = sum.plus(new PushCounts(
                    1,
                    p.copies.size() > 1 ? 1 : 0,
                    p.outcome == Outcome.STORED ? 1 : 0,
                    p.outcome == Outcome.NOT_STORED ? 1 : 0,
                    p.outcome == Outcome.UNKNOWN ? 1 : 0,
                    p.outcome == Outcome.UNANSWERED ? 1 : 0));
        }
        return sum;
    }

    private Violation fail(String what) {
        return new Violation(describe(what));
    }

    private String describe(String what) {
        return "seed " + seed + " (replay with -Dsim.seed=" + seed + "), " + config + ", call faults "
                + callFaults + "/1000: " + what + "\n  trace (first " + trace.size() + " events):\n    "
                + String.join("\n    ", trace);
    }

    // ---- senders and faults ----

    private void schedulePushes() {
        for (int i = 0; i < config.elements(); i++) {
            int shard = random.nextInt(config.shards());
            at(jitter((int) config.pushUntilMillis()), () -> {
                long id = nextElement++;
                pushed.get(shard).add(id);
                redis.lpush(shard, Long.toString(id).getBytes(StandardCharsets.US_ASCII));
                if (random.nextInt(3) > 0) {
                    redis.sync(shard); // the replica usually keeps up
                }
            });
        }
    }

    /** What a push's writer answered its sender. */
    private enum Outcome {
        /** No answer yet, or none ever (its gateway was killed). */
        UNANSWERED,
        STORED,
        NOT_STORED,
        /** Not stored as far as the writer knows, while it may still land (Redis did not answer for long). */
        UNKNOWN
    }

    /** An HTTP push: its copies (an element each) by shard, and the failovers of each shard before it began. */
    private static final class HttpPush {
        final String id;
        final TreeMap<Integer, Long> copies = new TreeMap<>();
        final int[] failoversBefore;
        Outcome outcome = Outcome.UNANSWERED;

        HttpPush(String id, int[] failoversBefore) {
            this.id = id;
            this.failoversBefore = failoversBefore;
        }
    }

    private void scheduleHttpPushes() {
        for (int i = 0; i < config.httpPushes(); i++) {
            at(jitter((int) config.pushUntilMillis()), () -> {
                Gateway g = liveGateway();
                if (g != null) {
                    HttpPush push = new HttpPush("push" + httpPushes.size(), failovers.clone());
                    for (int s = 0; s < config.shards(); s++) {
                        if (push.copies.isEmpty() && s == config.shards() - 1 || random.nextBoolean()) {
                            push.copies.put(s, nextElement++);
                        }
                    }
                    httpPushes.add(push);
                    g.schedule(0, () -> g.push(push));
                }
            });
        }
    }

    private void scheduleFaults() {
        int count = random.nextInt(8);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(4);
            at(jitter((int) config.pushUntilMillis() + 2_000), () -> fault(kind));
        }
    }

    private void fault(int kind) {
        if (!faults) {
            return;
        }
        switch (kind) {
            case 0 -> {
                Gateway g = liveGateway();
                if (g != null) {
                    note("kill -9 " + g.id);
                    g.kill();
                    at(jitter(1_000), this::startGateway);
                }
            }
            case 1 -> {
                Gateway g = liveGateway();
                if (g != null) {
                    long pause = config.leaseMillis() + jitter((int) config.leaseMillis() * 2);
                    note("SIGSTOP " + g.id + " for " + pause + " ms");
                    g.pausedUntil = now + pause;
                }
            }
            default -> {
                int shard = random.nextInt(config.shards());
                note("failover of shard " + shard + "'s node");
                failover(shard);
            }
        }
    }

    private Gateway liveGateway() {
        List<Gateway> live = gateways.stream().filter(g -> g.alive).toList();
        return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
    }

    /** The node fails over; the elements that no longer exist in the list or the checkpoint are lost by Redis. */
    private void failover(int shard) {
        List<Long> before = held(shard);
        failovers[shard]++;
        redis.failover(shard);
        List<Long> after = held(shard);
        for (long id : before) {
            if (!after.contains(id)) {
                lost.put(id, true);
            }
        }
    }

    /** Every element Redis holds for a shard: in its checkpoint or on its list. */
    private List<Long> held(int shard) {
        List<Long> ids = new ArrayList<>();
        ShardRedis view = redis.shard(shard);
        List<byte[]> parts = view.partBytes(view.committedParts());
        StringBuilder bytes = new StringBuilder();
        for (byte[] part : parts) {
            if (part != null) {
                bytes.append(new String(part, StandardCharsets.US_ASCII));
            }
        }
        ids.addAll(ModelPartition.ids(bytes.toString().getBytes(StandardCharsets.US_ASCII)));
        for (byte[] e : redis.elements(shard)) {
            ids.add(Long.parseLong(new String(e, StandardCharsets.US_ASCII)));
        }
        return ids;
    }

    /** Whether a Redis call loses its request (it did not run: thrown now) or its reply (thrown after it ran). */
    private <T> T faultable(Supplier<T> command) {
        if (faults && random.nextInt(1000) < callFaults) {
            if (random.nextBoolean()) {
                throw new JedisConnectionException("simulated: the request was lost");
            }
            T ranAnyway = command.get();
            throw new JedisConnectionException("simulated: the reply was lost after " + ranAnyway);
        }
        return command.get();
    }

    /** The push writer's calls, each one step of the task that makes it, each faultable. */
    private PushRedis faultyPushes() {
        PushRedis to = redis.pushes();
        return new PushRedis() {
            private <T> T call(Supplier<T> command) {
                SteppedTask.current().pause(jitter(5));
                return faultable(command);
            }

            private void run(Runnable command) {
                call(() -> {
                    command.run();
                    return "done";
                });
            }

            @Override
            public boolean pushOnce(int shard, String id, long markerTtlMillis, byte[] element) {
                return call(() -> to.pushOnce(shard, id, markerTtlMillis, element));
            }

            @Override
            public boolean landedOnce(int shard, String id, long markerTtlMillis) {
                return call(() -> to.landedOnce(shard, id, markerTtlMillis));
            }

            @Override
            public void stage(int shard, String member, byte[] copy) {
                run(() -> to.stage(shard, member, copy));
            }

            @Override
            public String decide(int decider, String id, String decision, long ttlMillis) {
                return call(() -> to.decide(decider, id, decision, ttlMillis));
            }

            @Override
            public boolean publish(int shard, String member) {
                return call(() -> to.publish(shard, member));
            }

            @Override
            public void discard(int shard, String member) {
                run(() -> to.discard(shard, member));
            }

            @Override
            public List<String> stagedBefore(int shard, long ageMillis, int max) {
                return call(() -> to.stagedBefore(shard, ageMillis, max));
            }

            @Override
            public void forget(int decider, String id) {
                run(() -> to.forget(decider, id));
            }
        };
    }

    private ShardRedis faulty(int shard) {
        return new ForwardingShardRedis(redis.shard(shard)) {
            private <T> T call(Supplier<T> command) {
                return faultable(command);
            }

            @Override
            public Acquired acquire(byte[] token, long ttlMillis) {
                return call(() -> super.acquire(token, ttlMillis));
            }

            @Override
            public Renewal renew(byte[] token, long ttlMillis, byte[] history) {
                return call(() -> super.renew(token, ttlMillis, history));
            }

            @Override
            public Fenced read(byte[] token, long trimmed, byte[] history, long fromTail, int count) {
                return call(() -> super.read(token, trimmed, history, fromTail, count));
            }

            @Override
            public boolean writePart(byte[] token, String name, byte[] bytes) {
                return call(() -> super.writePart(token, name, bytes));
            }

            @Override
            public Committed commit(
                    byte[] token,
                    byte[] history,
                    long trimmed,
                    long cut,
                    boolean full,
                    List<String> written,
                    List<String> replaced) {
                return call(() -> super.commit(token, history, trimmed, cut, full, written, replaced));
            }

            @Override
            public long trimmed() {
                return call(super::trimmed);
            }
        };
    }

    // ---- the checks ----

    /**
     * No element (the simulation's series) exposed by two gateways at one instant. Two tenures of one shard may
     * both be visible only when they have nothing in common (a failover took the shard's state back to nothing).
     */
    private void checkExposure() {
        for (int s = 0; s < config.shards(); s++) {
            List<Tenure> exposing = new ArrayList<>();
            for (Gateway g : gateways) {
                Tenure t = g.alive ? g.held.get(s) : null;
                if (t != null && t.visible()) {
                    exposing.add(t);
                }
            }
            if (exposing.size() > 1) {
                Set<Long> seen = new HashSet<>();
                for (Tenure t : exposing) {
                    for (long id : t.partition.applied()) {
                        if (!seen.add(id)) {
                            throw fail("element " + id + " of shard " + s + " exposed by " + describe(exposing)
                                    + " at once");
                        }
                    }
                }
            }
        }
    }

    private static String describe(List<Tenure> tenures) {
        List<String> out = new ArrayList<>();
        for (Tenure t : tenures) {
            out.add(t.gateway.id + " (lease " + t.lease.tokenName() + " until "
                    + TimeUnit.NANOSECONDS.toMillis(t.lease.deadlineNanos()) + " ms)");
        }
        return out.toString();
    }

    /** Whether everything is drained, held, committed and quiet: the run may end. */
    private boolean settled() {
        if (!tasks.stream().allMatch(SteppedTask::done)) {
            return false;
        }
        for (int s = 0; s < config.shards(); s++) {
            if (!redis.elements(s).isEmpty() || !redis.staged(s).isEmpty()) {
                return false;
            }
            int open = 0;
            for (Gateway g : gateways) {
                Tenure t = g.alive ? g.held.get(s) : null;
                if (t != null && t.state == State.OPEN && t.visible()) {
                    open++;
                }
            }
            if (open != 1) {
                return false;
            }
        }
        return gateways.stream().allMatch(g -> !g.alive || g.pausedUntil <= now);
    }

    private void checkFinal() {
        if (!settled()) {
            throw fail("did not settle by " + END_MILLIS + " ms: " + status());
        }
        TreeMap<Long, Integer> exposed = new TreeMap<>();
        for (Gateway g : gateways) {
            if (!g.alive) {
                continue;
            }
            for (Tenure t : g.held.values()) {
                if (t.visible()) {
                    for (long id : t.partition.applied()) {
                        exposed.merge(id, 1, Integer::sum);
                    }
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        for (int s = 0; s < config.shards(); s++) {
            for (long id : pushed.get(s)) {
                int times = exposed.getOrDefault(id, 0);
                int expected = lost.containsKey(id) ? 0 : 1;
                if (times != expected) {
                    wrong.add("element " + id + " of shard " + s + " exposed " + times + " times"
                            + (expected == 0 ? " (Redis lost it)" : ""));
                }
            }
        }
        checkHttpPushes(exposed, wrong);
        if (!wrong.isEmpty()) {
            throw fail(String.join("; ", wrong.subList(0, Math.min(10, wrong.size()))) + " (" + wrong.size()
                    + " in all)");
        }
    }

    /**
     * Each copy of an HTTP push exposed at most once; a push applied whole or not at all, whole when its writer
     * answered stored, not at all when it answered not stored; unless a failover on one of its shards lost writes.
     */
    private void checkHttpPushes(Map<Long, Integer> exposed, List<String> wrong) {
        for (HttpPush push : httpPushes) {
            List<Integer> times = new ArrayList<>();
            boolean failedOver = false;
            for (Map.Entry<Integer, Long> copy : push.copies.entrySet()) {
                int n = exposed.getOrDefault(copy.getValue(), 0);
                times.add(n);
                if (n > 1) {
                    wrong.add(push.id + "'s copy on shard " + copy.getKey() + " exposed " + n + " times");
                }
                failedOver |= failovers[copy.getKey()] > push.failoversBefore[copy.getKey()];
            }
            if (failedOver) {
                continue;
            }
            boolean whole = times.stream().allMatch(n -> n == 1);
            boolean none = times.stream().allMatch(n -> n == 0);
            if (!whole && !none) {
                wrong.add(push.id + " applied in part: " + times + " on shards " + push.copies.keySet() + " ("
                        + push.outcome + ")");
            } else if (push.outcome == Outcome.STORED && !whole) {
                wrong.add(push.id + " answered stored but not applied, on shards " + push.copies.keySet());
            } else if (push.outcome == Outcome.NOT_STORED && !none) {
                wrong.add(push.id + " answered not stored but applied, on shards " + push.copies.keySet());
            }
        }
    }

    private String status() {
        StringBuilder out = new StringBuilder();
        for (int s = 0; s < config.shards(); s++) {
            out.append("shard ")
                    .append(s)
                    .append(": ")
                    .append(redis.elements(s).size())
                    .append(" queued; ");
        }
        for (Gateway g : gateways) {
            out.append(g.id)
                    .append(g.alive ? "" : " (dead)")
                    .append(" holds ")
                    .append(g.held.keySet())
                    .append("; ");
        }
        return out.toString();
    }

    // ---- gateways ----

    private enum State {
        OPENING,
        OPEN,
        CLOSING
    }

    private void startGateway() {
        Gateway g = new Gateway("gw" + (nextGatewayId++));
        gateways.add(g);
        note("start " + g.id);
        g.schedule(0, g::round);
        g.schedule(jitter(50), g::checkpoints);
        g.schedule(jitter(100), g::sweep);
        for (int w = 0; w < config.workers(); w++) {
            int worker = w;
            g.schedule(jitter(20), () -> g.work(worker));
        }
    }

    /** A gateway: its tenures of shards, and the events of its threads, which stop when it dies. */
    private final class Gateway {
        final String id;
        final TreeMap<Integer, Tenure> held = new TreeMap<>();
        boolean alive = true;
        long pausedUntil;
        long lastHeartbeat;
        int nextShard;
        final QueueWriter writer;
        final List<SteppedTask> running = new ArrayList<>();
        /** Shards whose staged pushes a sweep is settling now. */
        final Set<Integer> sweeping = new HashSet<>();

        Gateway(String id) {
            this.id = id;
            this.writer = new QueueWriter(
                    faultyPushes(),
                    config.shards(),
                    MARKER_MILLIS,
                    config.stagedTimeoutMillis(),
                    SETTLE_MILLIS,
                    new Ticker() {
                        @Override
                        public long nanos() {
                            return Gateway.this.nanos();
                        }

                        @Override
                        public void sleep(long millis) {
                            SteppedTask.current().pause(millis);
                        }
                    });
        }

        /** Runs blocking code as a task of this gateway's threads: it stops when the gateway dies. */
        void task(Runnable body) {
            running.removeIf(SteppedTask::done);
            SteppedTask task = new SteppedTask(this::schedule);
            running.add(task);
            tasks.add(task);
            task.start(body);
        }

        // -- an HTTP push's thread (PushQueue over QueueWriter) --

        void push(HttpPush push) {
            SortedMap<Integer, byte[]> copies = new TreeMap<>();
            push.copies.forEach(
                    (shard, element) -> copies.put(shard, Long.toString(element).getBytes(StandardCharsets.US_ASCII)));
            note(id + " pushes " + push.id + " onto shards " + copies.keySet());
            task(() -> {
                try {
                    writer.push(push.id, copies);
                    push.outcome = Outcome.STORED;
                } catch (JedisException e) {
                    push.outcome = e.getSuppressed().length > 0 ? Outcome.UNKNOWN : Outcome.NOT_STORED;
                }
            });
        }

        // -- the sweep of staged pushes (StagedPushSweeper) --

        void sweep() {
            for (Tenure t : new ArrayList<>(held.values())) {
                int shard = t.shard;
                if (t.state == State.OPEN
                        && !sweeping.contains(shard)
                        && !redis.staged(shard).isEmpty()) {
                    sweeping.add(shard);
                    task(() -> {
                        try {
                            writer.settle(shard, 100);
                        } catch (JedisException e) {
                            // the rest waits for the next sweep
                        } finally {
                            sweeping.remove(shard);
                        }
                    });
                }
            }
            schedule(Math.max(100, config.stagedTimeoutMillis() / 4), this::sweep);
        }

        /** Runs {@code action} after {@code delay}, later if paused, never if killed. */
        void schedule(long delay, Runnable action) {
            at(delay, () -> {
                if (!alive) {
                    return;
                }
                if (pausedUntil > now) {
                    at(pausedUntil - now, () -> schedule(0, action));
                    return;
                }
                action.run();
            });
        }

        void kill() {
            alive = false;
            held.clear();
            running.forEach(SteppedTask::kill);
            running.clear();
        }

        long nanos() {
            return TimeUnit.MILLISECONDS.toNanos(now);
        }

        // -- the coordinator --

        void round() {
            lastHeartbeat = now;
            for (Tenure t : new ArrayList<>(held.values())) {
                if (t.state == State.OPEN || t.state == State.OPENING) {
                    try {
                        ShardRedis.Renewal renewal = t.lease.renew();
                        if (renewal == ShardRedis.Renewal.MOVED) {
                            t.moved("renewal: another history");
                        } else if (renewal == ShardRedis.Renewal.LOST) {
                            t.lost("renewal: taken over");
                        }
                    } catch (JedisConnectionException e) {
                        // not renewed: lost below once its deadline passes
                    }
                    if (t.state != State.CLOSING && t.lease.expired()) {
                        t.lost("lease not renewed in time");
                    }
                }
            }
            balance();
            schedule(config.leaseMillis() / 3, this::round);
        }

        void balance() {
            List<String> live = new ArrayList<>();
            for (Gateway g : gateways) {
                if (g.alive && now - g.lastHeartbeat <= config.leaseMillis()) {
                    live.add(g.id);
                }
            }
            live.sort(null);
            int target = ShardCoordinator.share(config.shards(), live, id);
            long count =
                    held.values().stream().filter(t -> t.state != State.CLOSING).count();
            if (count > target) {
                for (Tenure t : new ArrayList<>(held.descendingMap().values())) {
                    if (count > target && t.state == State.OPEN) {
                        t.close(true);
                        count--;
                    }
                }
                return;
            }
            for (int s = 0; s < config.shards() && count < target; s++) {
                if (held.containsKey(s)) {
                    continue;
                }
                ShardRedis shardRedis = faulty(s);
                Lease lease = new Lease(shardRedis, id + ":" + (sequence++), config.leaseMillis(), this::nanos);
                try {
                    if (lease.acquire()) {
                        note(id + " acquires shard " + s + " as " + lease.tokenName() + " until "
                                + TimeUnit.NANOSECONDS.toMillis(lease.deadlineNanos()) + " ms");
                        Tenure t = new Tenure(this, s, lease, shardRedis);
                        held.put(s, t);
                        count++;
                        schedule(jitter(5), t::open);
                    }
                } catch (JedisConnectionException e) {
                    // maybe taken, maybe not: a lease of this token that was taken runs out by itself
                }
            }
        }

        // -- the workers --

        void work(int worker) {
            List<Tenure> open =
                    held.values().stream().filter(t -> t.state == State.OPEN).toList();
            if (open.isEmpty()) {
                schedule(5 + jitter(20), () -> work(worker));
                return;
            }
            Tenure t = open.get(Math.floorMod(nextShard++, open.size()));
            t.take(worker);
        }

        // -- the checkpointer --

        void checkpoints() {
            for (Tenure t : new ArrayList<>(held.values())) {
                if (t.state == State.OPEN && !t.checkpointing && now - t.lastCheckpoint >= config.checkpointMillis()) {
                    t.checkpoint(false);
                }
            }
            schedule(Math.max(5, config.checkpointMillis() / 10), this::checkpoints);
        }
    }

    /** A gateway's tenure of one shard: what {@code Shard} is on the gateway's threads, here as events. */
    private final class Tenure {
        final Gateway gateway;
        final int shard;
        final Lease lease;
        final ShardRedis shardRedis;
        final Checkpoints checkpoints;
        Reader reader;
        ModelPartition partition;
        State state = State.OPENING;
        int batchesInHand;
        boolean checkpointing;
        boolean resolving;
        /** A checkpoint holds the take lock while it waits for the batches in hand: no read is settled. */
        boolean capturing;

        long lastCheckpoint;
        long lastHandedOut = -1;
        long visibleUntilNanos = Long.MIN_VALUE;
        /** Failovers of the shard's node before this tenure began. */
        final int failoversBefore;

        Tenure(Gateway gateway, int shard, Lease lease, ShardRedis shardRedis) {
            this.failoversBefore = failovers[shard];
            this.gateway = gateway;
            this.shard = shard;
            this.lease = lease;
            this.shardRedis = shardRedis;
            this.checkpoints = new Checkpoints(shardRedis, ShardKeys.of(QUEUE, shard, 10), lease.tokenName());
        }

        /** As the store exposes a partition: open, past its lease's exposure start, before its deadline or loss. */
        boolean visible() {
            return state == State.OPEN
                    && gateway.nanos() >= lease.exposeFromNanos()
                    && gateway.nanos() < Math.min(visibleUntilNanos, lease.deadlineNanos());
        }

        void open() {
            if (gateway.held.get(shard) != this || state != State.OPENING) {
                return;
            }
            try {
                byte[] bytes = checkpoints.load();
                long trimmed = shardRedis.trimmed();
                partition = ModelPartition.restore(bytes);
                reader = new Reader(config.popCount(), trimmed);
                state = State.OPEN;
                visibleUntilNanos = Long.MAX_VALUE;
                lastCheckpoint = now;
                note(gateway.id + " opens shard " + shard + " at trimmed " + trimmed + " with "
                        + partition.applied().size() + " applied");
            } catch (Checkpoints.MissingPartException e) {
                throw fail("shard " + shard + "'s checkpoint lost a part: " + e.getMessage());
            } catch (JedisConnectionException e) {
                lost("open failed");
                drop();
            }
        }

        /** Lost because Redis no longer holds what this tenure read or committed: only ever after a failover. */
        void moved(String why) {
            if (failovers[shard] == failoversBefore) {
                throw fail(gateway.id + " found shard " + shard + " moved (" + why + ") though its node did not "
                        + "fail over: a needless reload");
            }
            lost(why);
        }

        void lost(String why) {
            if (state == State.CLOSING) {
                return;
            }
            note(gateway.id + " loses shard " + shard + ": " + why);
            state = State.CLOSING;
            visibleUntilNanos = gateway.nanos();
            close(false);
        }

        /** Stops taking; once no batch is in hand, a last checkpoint when still ours, the lease, the partition. */
        void close(boolean handBack) {
            state = State.CLOSING;
            if (batchesInHand > 0 || checkpointing) {
                gateway.schedule(1, () -> close(handBack));
                return;
            }
            if (handBack) {
                checkpoint(true);
                gateway.schedule(1, this::finishClose);
            } else {
                drop();
            }
        }

        void finishClose() {
            if (checkpointing) {
                gateway.schedule(1, this::finishClose);
                return;
            }
            try {
                lease.release();
            } catch (JedisConnectionException e) {
                // it runs out by itself
            }
            drop();
        }

        void drop() {
            visibleUntilNanos = Long.MIN_VALUE;
            if (gateway.held.get(shard) == this) {
                gateway.held.remove(shard);
            }
        }

        // -- taking (Shard.take) --

        void take(int worker) {
            if (state != State.OPEN) {
                gateway.schedule(1, () -> gateway.work(worker));
                return;
            }
            if (!reader.reservable() || capturing) {
                gateway.schedule(1 + jitter(3), () -> gateway.work(worker));
                return;
            }
            if (checkpoints.unresolved()) { // a lost commit's outcome, before the list is read again
                resolveThen(() -> gateway.work(worker), () -> gateway.schedule(jitter(10), () -> gateway.work(worker)));
                return;
            }
            Reader.Read read = reader.reserve();
            gateway.schedule(jitter(5), () -> {
                ShardRedis.Fenced fenced = null;
                try {
                    fenced = shardRedis.read(
                            lease.token(), read.trimmed(), lease.history(), read.fromTail(), config.popCount());
                } catch (JedisConnectionException e) {
                    // not answered: the reads after it are void
                }
                ShardRedis.Fenced answer = fenced;
                gateway.schedule(jitter(5), () -> {
                    reader.returned(read, answer != null);
                    if (answer == null) {
                        gateway.schedule(jitter(10), () -> gateway.work(worker));
                    } else {
                        awaitTurn(worker, read, answer);
                    }
                });
            });
        }

        void awaitTurn(int worker, Reader.Read read, ShardRedis.Fenced fenced) {
            if (state != State.OPEN) {
                reader.restart();
                gateway.schedule(1, () -> gateway.work(worker));
                return;
            }
            if (reader.waiting(read) || capturing) {
                gateway.schedule(1, () -> awaitTurn(worker, read, fenced));
                return;
            }
            Reader.Settled settled = reader.settle(read, fenced);
            switch (settled.kind()) {
                case BATCH -> {
                    List<Long> ids = new ArrayList<>();
                    for (byte[] item : settled.items()) {
                        long id = id(item);
                        long place = listOrder.get(id);
                        if (place <= lastHandedOut) {
                            throw fail(gateway.id + " handed out element " + id + " of shard " + shard
                                    + " after one pushed later: not in list order");
                        }
                        lastHandedOut = place;
                        ids.add(id);
                    }
                    batchesInHand++;
                    gateway.schedule(jitter(10), () -> {
                        ids.forEach(partition::apply);
                        batchesInHand--;
                        gateway.work(worker);
                    });
                }
                case EMPTY -> gateway.schedule(5 + jitter(30), () -> gateway.work(worker));
                case AGAIN -> gateway.schedule(0, () -> gateway.work(worker));
                case LEASE_LOST -> {
                    lost("fence: lease taken over");
                    gateway.schedule(1, () -> gateway.work(worker));
                }
                default -> {
                    moved("fence: Redis lost writes (" + settled.length() + ")");
                    gateway.schedule(1, () -> gateway.work(worker));
                }
            }
        }

        // -- checkpoints (Shard.checkpoint) --

        void checkpoint(boolean closing) {
            if (checkpointing || reader == null || !(state == State.OPEN || closing && state == State.CLOSING)) {
                return;
            }
            checkpointing = true;
            lastCheckpoint = now;
            resolveThen(
                    () -> {
                        capturing = true; // the take lock, held until the apply lock's write lock is had
                        capture(closing);
                    },
                    () -> checkpointing = false);
        }

        /**
         * Settles a commit whose reply was lost, with no read in flight, then runs {@code next}; runs
         * {@code failed} when it cannot (Redis did not answer, or the shard is lost for it).
         */
        void resolveThen(Runnable next, Runnable failed) {
            if (!checkpoints.unresolved()) {
                next.run();
                return;
            }
            if (resolving) {
                failed.run();
                return;
            }
            resolving = true;
            reader.beginExclusive();
            whenQuiet(() -> {
                resolving = false;
                Checkpoints.Outcome outcome;
                try {
                    outcome = checkpoints.resolve(lease, reader);
                } catch (JedisConnectionException e) {
                    reader.endExclusive();
                    failed.run();
                    return;
                }
                reader.endExclusive();
                if (outcome == Checkpoints.Outcome.MOVED) {
                    moved("a lost commit's outcome does not fit what Redis holds");
                    failed.run();
                    return;
                }
                if (outcome == Checkpoints.Outcome.LEASE_LOST) {
                    lost("settling a lost commit: lease taken over");
                    failed.run();
                    return;
                }
                next.run();
            });
        }

        /** Runs {@code action} once no read is in flight (polled, as the shard's condition is waited on). */
        void whenQuiet(Runnable action) {
            if (!reader.quiet()) {
                gateway.schedule(1, () -> whenQuiet(action));
                return;
            }
            action.run();
        }

        /** The capture waits until no batch is in hand (the apply lock), then the parts and the commit. */
        void capture(boolean closing) {
            if (batchesInHand > 0) {
                gateway.schedule(1, () -> capture(closing));
                return;
            }
            long cut = reader.cursor();
            Checkpoints.Capture capture = partition.capture(checkpoints.wantFull());
            capturing = false;
            if (capture.empty() && cut == 0) {
                checkpointing = false;
                return;
            }
            gateway.schedule(jitter(5), () -> {
                List<String> written;
                try {
                    written = checkpoints.write(capture);
                } catch (JedisConnectionException e) {
                    checkpoints.abandon(capture);
                    checkpointing = false;
                    return;
                }
                if (written == null) {
                    checkpoints.abandon(capture);
                    checkpointing = false;
                    lost("parts: lease taken over");
                    return;
                }
                reader.beginExclusive();
                whenQuiet(() -> commit(capture, written, cut));
            });
        }

        void commit(Checkpoints.Capture capture, List<String> written, long cut) {
            try {
                Checkpoints.Outcome outcome = checkpoints.commit(lease, reader, capture, written, cut);
                if (outcome == Checkpoints.Outcome.MOVED) {
                    moved("commit: " + outcome);
                } else if (outcome != Checkpoints.Outcome.COMMITTED) {
                    lost("commit: " + outcome);
                } else {
                    note(gateway.id + " commits shard " + shard + ": cut " + cut + ", trimmed " + reader.trimmed());
                }
            } catch (JedisConnectionException e) {
                // unresolved: settled before the list is read again
            } finally {
                reader.endExclusive();
                checkpointing = false;
            }
        }
    }
}
