package io.promstream.queue;

import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Puts HTTP pushes onto the shards for the gateways that hold them, whole or not at all (docs/semantics.md, HTTP
 * pushes). A push onto one shard is one script, made harmless to send again by a marker kept for
 * {@code markerTtlMillis} ({@link Scripts#PUSH_ONCE}); when its reply is lost, the marker is settled
 * ({@link Scripts#DECIDE} {@code abort}): either the push had landed (it is stored) or it never will. A push split
 * over several shards, which may live on several
 * Redis masters, is stored in three steps: each copy is staged on its shard, where no worker sees it; the push is
 * decided once, on its lowest shard ({@link Scripts#DECIDE}); only a committed push's copies are published onto
 * the lists. A push whose staging failed is decided {@code abort} and answered as not stored; one that stopped
 * between the steps (a gateway killed, a master unreachable) is finished by the holder of each shard it staged on
 * ({@link #settle}), which publishes a committed copy and discards the others, deciding {@code abort} for a push
 * still undecided after {@code stagedTimeoutMillis}.
 */
public final class QueueWriter {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWriter.class);
    static final String COMMIT = "commit";
    static final String ABORT = "abort";
    /** How long a decision is kept: far longer than any shard stays unheld, so a staged copy always finds it. */
    static final long DECISION_TTL_MILLIS = 7L * 24 * 3600 * 1000;

    private final PushRedis redis;
    private final int shards;
    private final long markerTtlMillis;
    private final long stagedTimeoutMillis;
    private final long settleMillis;
    private final Ticker ticker;

    /**
     * @param settleMillis how long a push whose reply was lost keeps asking Redis whether it landed before it is
     *     reported as not stored (and then may still land)
     */
    public QueueWriter(
            PushRedis redis,
            int shards,
            long markerTtlMillis,
            long stagedTimeoutMillis,
            long settleMillis,
            Ticker ticker) {
        this.redis = redis;
        this.shards = shards;
        this.markerTtlMillis = markerTtlMillis;
        this.stagedTimeoutMillis = stagedTimeoutMillis;
        this.settleMillis = settleMillis;
        this.ticker = ticker;
    }

    public int shards() {
        return shards;
    }

    /**
     * Stores push {@code id}, one copy per shard, whole or not at all. Throws {@link JedisException} when it is not
     * stored (nothing of it will be applied); returns when it is (every copy will be applied once, by whichever
     * gateway holds its shard). When a reply is lost, Redis is asked for up to {@code settleMillis} whether the
     * push landed, and its fate is fixed; only when Redis cannot be reached all that time is it reported as not
     * stored while it may still land.
     */
    public void push(String id, SortedMap<Integer, byte[]> copies) {
        if (copies.size() == 1) {
            Map.Entry<Integer, byte[]> only = copies.entrySet().iterator().next();
            int shard = only.getKey();
            try {
                redis.pushOnce(shard, id, markerTtlMillis, only.getValue());
            } catch (JedisException lost) {
                // landed (its marker says so), or never will (the marker is taken by the abort first)
                if (!settle(lost, () -> redis.landedOnce(shard, id, markerTtlMillis))) {
                    throw lost;
                }
            }
            return;
        }
        int decider = copies.firstKey();
        String member = member(decider, id);
        try {
            for (Map.Entry<Integer, byte[]> copy : copies.entrySet()) {
                redis.stage(copy.getKey(), member, copy.getValue());
            }
        } catch (JedisException e) {
            abandon(decider, id, copies.keySet(), member);
            throw e;
        }
        String decision;
        try {
            decision = decide(decider, id, COMMIT);
        } catch (JedisException lost) {
            decision = settle(lost, () -> decide(decider, id, ABORT)); // wins unless the lost commit landed
        }
        if (!COMMIT.equals(decision)) { // aborted: after a lost reply, or by the sweep of a push that stalled
            discardAll(copies.keySet(), member);
            throw new JedisException("the push was not stored: it was abandoned before it could be decided");
        }
        boolean all = true;
        for (int shard : copies.keySet()) {
            try {
                redis.publish(shard, member);
            } catch (JedisException e) {
                all = false; // stored: the holder of that shard publishes it (settle)
                LOG.debug("Publishing staged push {} on shard {} failed; its holder will", id, shard, e);
            }
        }
        if (all) {
            try {
                redis.forget(decider, id);
            } catch (JedisException e) {
                LOG.debug("Could not forget the decision of push {}; it expires", id, e);
            }
        }
    }

    /**
     * Finishes the staged copies on {@code shard} older than the staged timeout: published when their push was
     * committed, discarded when it was not (an undecided one is decided {@code abort} now). Returns how many were
     * finished. Redis errors propagate (the rest waits for the next call).
     */
    public int settle(int shard, int max) {
        int settled = 0;
        for (String member : redis.stagedBefore(shard, stagedTimeoutMillis, max)) {
            int slash = member.indexOf('/');
            int decider;
            try {
                decider = Integer.parseInt(member.substring(0, slash));
            } catch (RuntimeException e) {
                LOG.warn("Discarding staged copy {} on shard {}: not a staged push of this gateway", member, shard);
                redis.discard(shard, member);
                continue;
            }
            String decision = decide(decider, member.substring(slash + 1), ABORT);
            if (COMMIT.equals(decision)) {
                redis.publish(shard, member);
            } else {
                redis.discard(shard, member);
            }
            settled++;
        }
        return settled;
    }

    /**
     * Fixes the fate of a call whose reply was lost, asking {@code settle} again until Redis answers or
     * {@code settleMillis} pass; then throws {@code lost} (unknown: what was sent may still land).
     */
    private <T> T settle(JedisException lost, Supplier<T> settle) {
        long deadline = ticker.nanos() + TimeUnit.MILLISECONDS.toNanos(settleMillis);
        while (true) {
            try {
                return settle.get();
            } catch (JedisException e) {
                if (ticker.nanos() - deadline >= 0) {
                    lost.addSuppressed(e);
                    throw lost;
                }
                try {
                    ticker.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw lost;
                }
            }
        }
    }

    /** A push whose staging failed: decided {@code abort} (unless already decided) and its copies dropped. */
    private void abandon(int decider, String id, Iterable<Integer> shardsOfPush, String member) {
        try {
            if (COMMIT.equals(decide(decider, id, ABORT))) {
                return; // cannot be: only this thread commits, after staging every copy
            }
            discardAll(shardsOfPush, member);
        } catch (JedisException e) {
            LOG.debug("Could not abort push {}; the holders of its shards will", id, e);
        }
    }

    private void discardAll(Iterable<Integer> shardsOfPush, String member) {
        for (int shard : shardsOfPush) {
            try {
                redis.discard(shard, member);
            } catch (JedisException e) {
                LOG.debug("Could not discard staged copy {} on shard {}; its holder will", member, shard, e);
            }
        }
    }

    private String decide(int decider, String id, String decision) {
        return redis.decide(decider, id, decision, DECISION_TTL_MILLIS);
    }

    /** A staged copy's name: the shard its push is decided on, and the push's id. */
    static String member(int decider, String id) {
        return decider + "/" + id;
    }
}
