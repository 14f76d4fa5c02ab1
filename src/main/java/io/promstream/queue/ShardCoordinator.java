package io.promstream.queue;

import io.dropwizard.lifecycle.Managed;
import io.prometheus.client.Gauge;
import io.promstream.store.CheckpointCodec;
import io.promstream.store.CorruptCheckpointException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Decides which shards this gateway holds (docs/semantics.md, Several gateways). Every third of the lease time it
 * announces the gateway ({@link Scripts#HEARTBEAT}), renews the leases it holds, drops the shards it lost, and
 * balances: of the {@code N} shards and the {@code M} gateways heard from, the gateways sorted by id take
 * {@code N / M} each and the first {@code N % M} one more, so owners differ by at most one shard. It hands extra
 * shards back (a last checkpoint, then the lease) and acquires free ones up to its share; a shard nobody has taken
 * for two rounds is taken by anyone, so none stays unowned while a gateway lives. Opening (loading a checkpoint)
 * and closing run on their own thread, so a slow load never delays a renewal.
 */
public final class ShardCoordinator implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCoordinator.class);

    private final UnifiedJedis redis;
    private final String queueKey;
    private final int shards;
    private final long ttlMillis;
    private final ShardFactory factory;
    private final ShardTable table;
    private final String gatewayId;
    private final RedisCalls calls;
    private final Gauge owned;
    private final byte[] membersKey;
    private final int[] unownedRounds;
    private final ScheduledExecutorService keeper;
    private final ExecutorService opener;
    /** Runs each Redis call of a round (a renewal per shard, the heartbeat, the balance) apart from the others. */
    private final ExecutorService apart;

    private final Set<Shard> renewing = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean heartbeating = new AtomicBoolean();
    private final AtomicBoolean balancing = new AtomicBoolean();
    private volatile List<String> live = List.of();
    private volatile boolean stopping;

    /**
     * @param calls the lease's Redis calls
     * @param owned {@code shard_owned{shard}}
     */
    public ShardCoordinator(
            UnifiedJedis redis,
            ShardSettings settings,
            ShardFactory factory,
            ShardTable table,
            String gatewayId,
            RedisCalls calls,
            Gauge owned) {
        this.redis = redis;
        this.queueKey = settings.queueKey();
        this.shards = settings.shards();
        this.ttlMillis = settings.leaseTtlMillis();
        this.factory = factory;
        this.table = table;
        this.gatewayId = gatewayId;
        this.calls = calls;
        this.owned = owned;
        this.membersKey = ShardKeys.bytes(ShardKeys.members(queueKey));
        this.unownedRounds = new int[shards];
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "shard-leases"));
        this.opener = Executors.newSingleThreadExecutor(r -> daemon(r, "shard-opener"));
        this.apart = Executors.newCachedThreadPool(r -> daemon(r, "shard-lease-call"));
        for (int i = 0; i < shards; i++) {
            owned.labels(Integer.toString(i)).set(0);
        }
    }

    /** A unique id for this gateway process: host, process id and a random part. */
    public static String newGatewayId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "gateway";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The shards this gateway holds. */
    public ShardTable table() {
        return table;
    }

    public String gatewayId() {
        return gatewayId;
    }

    /** The gateways heard from in the last round (ids), this one included. */
    public List<String> liveGateways() {
        return live;
    }

    /**
     * Takes this gateway's share of the shards before returning (bounded by the lease time), so that a gateway
     * that reports itself started holds what it can; then keeps balancing every third of the lease time.
     */
    @Override
    public void start() throws Exception {
        long every = Math.max(50, ttlMillis / 3);
        keeper.submit(this::firstRound).get();
        try {
            opener.submit(() -> {}).get(ttlMillis, TimeUnit.MILLISECONDS); // the opens the first round started
        } catch (TimeoutException e) {
            LOG.warn(
                    "Still loading checkpoints after {} ms; carrying on (the shards open when they are loaded)",
                    ttlMillis);
        }
        var unused = keeper.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS); // stop() ends it
    }

    /** Stops balancing, then hands every shard back: stop taking, a last checkpoint, release the lease. */
    @Override
    public void stop() throws InterruptedException {
        stopping = true;
        keeper.shutdown();
        keeper.awaitTermination(ttlMillis, TimeUnit.MILLISECONDS);
        opener.shutdown();
        opener.awaitTermination(ttlMillis * 3, TimeUnit.MILLISECONDS);
        apart.shutdown();
        apart.awaitTermination(ttlMillis, TimeUnit.MILLISECONDS);
        for (Shard shard : table.held()) {
            close(shard);
        }
        try {
            redis.zrem(membersKey, ShardKeys.bytes(gatewayId));
        } catch (JedisException e) {
            LOG.debug("Could not withdraw heartbeat", e);
        }
    }

    private void roundNow() {
        if (!stopping) {
            try {
                keeper.execute(this::round);
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
    }

    /**
     * One round: the heartbeat, a renewal of every lease held, the shards lost, the balance. Each Redis call runs
     * apart ({@link #apart}), so one that waits on an unreachable node holds up neither the renewals of shards on
     * other nodes nor the next round; a renewal still under way from an earlier round is not sent again. The
     * round waits for the renewals at most a third of the lease. Never throws (the schedule must go on).
     */
    void round() {
        if (stopping) {
            return;
        }
        try {
            once(heartbeating, this::heartbeat);
            List<Future<?>> renewals = new ArrayList<>();
            for (Shard shard : table.held()) {
                if ((shard.state() == Shard.State.OPEN || shard.state() == Shard.State.OPENING)
                        && renewing.add(shard)) {
                    renewals.add(apart.submit(() -> renew(shard)));
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(50, ttlMillis / 3));
            for (Future<?> renewal : renewals) {
                try {
                    renewal.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // still under way, or failed: its shard is lost below once its lease may have run out
                }
            }
            closeLost();
            once(balancing, this::balance);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Shard coordination failed; retrying next round", e);
            closeLost();
        }
    }

    /** The first round, on the caller's schedule: the heartbeat and the balance, done before the start returns. */
    private void firstRound() {
        long mark = calls.start();
        try {
            heartbeat();
            balance();
            calls.answered(mark);
        } catch (JedisException e) {
            calls.failed(e);
        } catch (RuntimeException e) {
            LOG.error("Shard coordination failed; retrying next round", e);
        }
    }

    /**
     * Runs {@code call} on {@link #apart} unless the previous one is still under way; counts its Redis errors.
     * {@code call} says whether Redis answered it (it may have had nothing to ask).
     */
    private void once(AtomicBoolean running, BooleanSupplier call) {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            apart.execute(() -> {
                long mark = calls.start();
                try {
                    if (call.getAsBoolean()) {
                        calls.answered(mark);
                    }
                } catch (JedisException e) {
                    calls.failed(e);
                } catch (RuntimeException e) {
                    LOG.error("Shard coordination failed; retrying next round", e);
                } finally {
                    running.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            running.set(false); // stopping
        }
    }

    private void renew(Shard shard) {
        long mark = calls.start();
        try {
            if (!shard.renew()) {
                shard.lost("its lease was taken over");
            }
            calls.answered(mark);
        } catch (JedisException e) {
            calls.failed(e);
        } finally {
            renewing.remove(shard);
        }
    }

    private boolean heartbeat() {
        Object reply = Scripts.HEARTBEAT.run(
                redis,
                List.of(membersKey),
                List.of(ShardKeys.bytes(gatewayId), ShardKeys.bytes(Long.toString(ttlMillis))));
        List<String> ids = new ArrayList<>();
        for (Object id : (List<?>) reply) {
            ids.add(new String((byte[]) id, StandardCharsets.UTF_8));
        }
        if (!ids.contains(gatewayId)) {
            ids.add(gatewayId);
        }
        ids.sort(null);
        if (!ids.equals(live)) {
            LOG.info("{} gateway(s) share {} shard(s) of {}: {}", ids.size(), shards, queueKey, ids);
        }
        live = List.copyOf(ids);
        return true;
    }

    /**
     * Closes the shards lost: those a renewal found taken over or stale, and those whose lease may have run out
     * because no renewal was confirmed in time (another gateway may hold them now).
     */
    private void closeLost() {
        for (Shard shard : table.held()) {
            if ((shard.state() == Shard.State.OPEN || shard.state() == Shard.State.OPENING) && shard.leaseExpired()) {
                shard.lost("its lease could not be renewed in time");
            }
            if (shard.lostReason() != null && shard.state() != Shard.State.CLOSED) {
                submitClose(shard);
            }
        }
    }

    /** This gateway's share: N / M, plus one for the first N % M gateways by id. */
    public static int share(int shards, List<String> live, String me) {
        int m = Math.max(1, live.size());
        int rank = Math.max(0, live.indexOf(me));
        return shards / m + (rank < shards % m ? 1 : 0);
    }

    /** Hands back or acquires shards toward this gateway's share; whether it asked Redis anything. */
    private boolean balance() {
        int target = share(shards, live, gatewayId);
        List<Shard> held = new ArrayList<>();
        for (Shard s : table.held()) {
            if (s.state() == Shard.State.OPEN || s.state() == Shard.State.OPENING) {
                held.add(s);
            }
        }
        if (held.size() > target) {
            held.sort((a, b) -> Integer.compare(b.index(), a.index()));
            for (Shard extra : held.subList(0, held.size() - target)) {
                LOG.info(
                        "Handing shard {} back: {} gateway(s) live, this one's share is {}",
                        extra.index(),
                        live.size(),
                        target);
                submitClose(extra);
            }
            return false;
        }
        int count = held.size();
        int start = Math.floorMod(gatewayId.hashCode(), shards);
        JedisException failed = null;
        boolean asked = false;
        for (int k = 0; k < shards; k++) {
            int i = (start + k) % shards;
            if (table.held(i) != null) {
                unownedRounds[i] = 0;
                continue;
            }
            ShardKeys keys = ShardKeys.of(queueKey, i, shards);
            asked = true;
            try {
                boolean wanted = count < target;
                if (!wanted) {
                    boolean free = !redis.exists(ShardKeys.bytes(keys.lease()));
                    unownedRounds[i] = free ? unownedRounds[i] + 1 : 0;
                    wanted = unownedRounds[i] >= 2;
                }
                if (wanted && acquire(keys)) {
                    count++;
                    unownedRounds[i] = 0;
                }
            } catch (JedisException e) { // that shard's node: the others are still looked at, then it is thrown
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return asked;
    }

    private boolean acquire(ShardKeys keys) {
        Shard shard = factory.create(keys.shard(), gatewayId + ":" + UUID.randomUUID());
        if (!shard.acquire()) {
            return false;
        }
        table.put(shard);
        opener.execute(() -> open(shard));
        return true;
    }

    private void open(Shard shard) {
        long started = System.nanoTime();
        try {
            CheckpointCodec.Loaded loaded = shard.open();
            table.changed();
            owned.labels(Integer.toString(shard.index())).set(1);
            LOG.info(
                    "Acquired shard {} ({}): {} series from a checkpoint of {} bytes in {} segment(s), {} ms{}",
                    shard.index(),
                    shard.keys().list(),
                    loaded.series(),
                    loaded.bytes(),
                    loaded.segments(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    loaded.refused() == 0
                            ? ""
                            : "; " + loaded.refused() + " series refused (their names are " + "another type's here)");
        } catch (CorruptCheckpointException e) {
            LOG.error(
                    "Shard {} cannot be opened: its checkpoint is unreadable ({}). It stays unowned until "
                            + "its checkpoint keys ({}*) are repaired or deleted",
                    shard.index(),
                    e.getMessage(),
                    shard.keys().checkpoint());
            giveUp(shard);
        } catch (JedisException e) {
            calls.failed("checkpoint load", e);
            giveUp(shard);
        } catch (RuntimeException e) {
            LOG.error("Opening shard {} failed", shard.index(), e);
            giveUp(shard);
        }
    }

    private void giveUp(Shard shard) {
        shard.lost("it could not be opened");
        shard.drop();
        table.remove(shard);
        try {
            shard.release();
        } catch (JedisException e) {
            LOG.debug("Could not release shard {} after a failed open", shard.index(), e);
        }
    }

    private void submitClose(Shard shard) {
        if (!shard.claimClose()) {
            return;
        }
        try {
            opener.execute(() -> close(shard));
        } catch (RejectedExecutionException e) {
            // stopping: stop() closes every held shard itself
        }
    }

    /**
     * Closes a shard: no more takes; then, when it is still ours, a last checkpoint and the lease handed back;
     * then its partition is forgotten. A failed last checkpoint loses nothing: what it would have trimmed stays
     * in the list, for the next owner to apply after loading the previous checkpoint.
     */
    private void close(Shard shard) {
        if (shard.state() == Shard.State.CLOSED) {
            return;
        }
        shard.stopTaking();
        table.changed();
        String lost = shard.lostReason();
        if (lost != null && shard.isStale()) {
            try {
                shard.release();
            } catch (JedisException e) {
                LOG.debug("Could not release stale shard {}; its lease runs out by itself", shard.index(), e);
            }
        }
        if (lost == null) {
            try {
                shard.checkpoint(true);
                shard.release();
            } catch (JedisException e) {
                calls.failed(e);
                LOG.warn(
                        "Shard {}: last checkpoint or release failed ({}); its next owner re-applies what "
                                + "followed its previous checkpoint",
                        shard.index(),
                        e.getMessage());
            }
        }
        int series = shard.drop();
        table.remove(shard);
        owned.labels(Integer.toString(shard.index())).set(0);
        if (lost == null) {
            LOG.info("Released shard {} ({} series handed over through its checkpoint)", shard.index(), series);
        } else {
            LOG.warn("Lost shard {}: {}; its {} series are no longer exposed here", shard.index(), lost, series);
            roundNow(); // it may be free again: look at once rather than a third of a lease later
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
