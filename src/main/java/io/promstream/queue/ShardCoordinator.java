package io.promstream.queue;

import io.dropwizard.lifecycle.Managed;
import io.prometheus.client.Gauge;
import java.io.IOException;
import java.net.InetAddress;
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
 *
 * <p>This class runs the rounds and the renewals; the {@link Heartbeat}, the {@link Balancer} and the
 * {@link ShardOpener} (opening and closing) are its parts.
 */
public final class ShardCoordinator implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCoordinator.class);

    private final long ttlMillis;
    private final ShardTable table;
    private final String gatewayId;
    private final RedisCalls calls;
    private final ScheduledExecutorService keeper;
    /** Runs each Redis call of a round (a renewal per shard, the heartbeat, the balance) apart from the others. */
    private final ExecutorService apart;

    private final Heartbeat heartbeat;
    private final ShardOpener opener;
    private final Balancer balancer;
    private final Set<Shard> renewing = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean heartbeating = new AtomicBoolean();
    private final AtomicBoolean balancing = new AtomicBoolean();
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
        this.ttlMillis = settings.leaseTtlMillis();
        this.table = table;
        this.gatewayId = gatewayId;
        this.calls = calls;
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "shard-leases"));
        this.apart = Executors.newCachedThreadPool(r -> daemon(r, "shard-lease-call"));
        this.heartbeat = new Heartbeat(redis, settings, gatewayId);
        this.opener = new ShardOpener(
                Executors.newSingleThreadExecutor(r -> daemon(r, "shard-opener")), table, calls, owned, this::roundNow);
        this.balancer = new Balancer(redis, settings, factory, table, gatewayId, heartbeat, opener);
        for (int i = 0; i < settings.shards(); i++) {
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
        return heartbeat.live();
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
            opener.awaitOpens(ttlMillis); // the opens the first round started
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
        opener.stop(ttlMillis * 3);
        apart.shutdown();
        apart.awaitTermination(ttlMillis, TimeUnit.MILLISECONDS);
        for (Shard shard : table.held()) {
            opener.close(shard);
        }
        heartbeat.withdraw();
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
            once(heartbeating, heartbeat::beat);
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
            once(balancing, balancer::balance);
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
            heartbeat.beat();
            balancer.balance();
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
                opener.submitClose(shard);
            }
        }
    }

    /** This gateway's share: N / M, plus one for the first N % M gateways by id. */
    public static int share(int shards, List<String> live, String me) {
        int m = Math.max(1, live.size());
        int rank = Math.max(0, live.indexOf(me));
        return shards / m + (rank < shards % m ? 1 : 0);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
