package io.promstream.queue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
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
    /** What {@link Scripts#PUSH_ONCE} leaves in a push's marker. */
    private static final String PUSHED = "1";
    /** How long a decision is kept: far longer than any shard stays unheld, so a staged copy always finds it. */
    static final long DECISION_TTL_MILLIS = 7L * 24 * 3600 * 1000;

    private final UnifiedJedis redis;
    private final String queueKey;
    private final int shards;
    private final byte[] markerTtl;
    private final long stagedTimeoutMillis;
    private final long settleMillis;

    /**
     * @param settleMillis how long a push whose reply was lost keeps asking Redis whether it landed before it is
     *     reported as not stored (and then may still land)
     */
    public QueueWriter(
            UnifiedJedis redis,
            String queueKey,
            int shards,
            long markerTtlMillis,
            long stagedTimeoutMillis,
            long settleMillis) {
        this.redis = redis;
        this.queueKey = queueKey;
        this.shards = shards;
        this.markerTtl = ShardKeys.bytes(Long.toString(markerTtlMillis));
        this.stagedTimeoutMillis = stagedTimeoutMillis;
        this.settleMillis = settleMillis;
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
            ShardKeys keys = keys(only.getKey());
            try {
                Scripts.PUSH_ONCE.run(
                        redis,
                        List.of(ShardKeys.bytes(keys.list()), ShardKeys.bytes(keys.pushMarker(id))),
                        List.of(markerTtl, only.getValue()));
            } catch (JedisException lost) {
                // landed (its marker says 1), or never will (the marker is taken by the abort first)
                if (!PUSHED.equals(settle(lost, () -> decide(keys.pushMarker(id), ABORT, markerTtl)))) {
                    throw lost;
                }
            }
            return;
        }
        int decider = copies.firstKey();
        String member = member(decider, id);
        try {
            for (Map.Entry<Integer, byte[]> copy : copies.entrySet()) {
                ShardKeys keys = keys(copy.getKey());
                Scripts.STAGE.run(
                        redis,
                        List.of(ShardKeys.bytes(keys.staged()), ShardKeys.bytes(keys.stagedAt())),
                        List.of(ShardKeys.bytes(member), copy.getValue()));
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
                publish(shard, member);
            } catch (JedisException e) {
                all = false; // stored: the holder of that shard publishes it (settle)
                LOG.debug("Publishing staged push {} on shard {} failed; its holder will", id, shard, e);
            }
        }
        if (all) {
            try {
                redis.del(ShardKeys.bytes(keys(decider).decision(id)));
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
        ShardKeys keys = keys(shard);
        List<?> overdue = (List<?>) Scripts.STAGED_BEFORE.run(
                redis,
                List.of(ShardKeys.bytes(keys.stagedAt())),
                List.of(ShardKeys.bytes(Long.toString(stagedTimeoutMillis)), ShardKeys.bytes(Integer.toString(max))));
        int settled = 0;
        for (Object raw : overdue) {
            String member = new String((byte[]) raw, StandardCharsets.UTF_8);
            int slash = member.indexOf('/');
            int decider;
            try {
                decider = Integer.parseInt(member.substring(0, slash));
            } catch (RuntimeException e) {
                LOG.warn("Discarding staged copy {} on shard {}: not a staged push of this gateway", member, shard);
                discard(shard, member);
                continue;
            }
            String decision = decide(decider, member.substring(slash + 1), ABORT);
            if (COMMIT.equals(decision)) {
                publish(shard, member);
            } else {
                discard(shard, member);
            }
            settled++;
        }
        return settled;
    }

    /**
     * Fixes the fate of a call whose reply was lost, asking {@code settle} again until Redis answers or
     * {@code settleMillis} pass; then throws {@code lost} (unknown: what was sent may still land).
     */
    private String settle(JedisException lost, Supplier<String> settle) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMillis);
        while (true) {
            try {
                return settle.get();
            } catch (JedisException e) {
                if (System.nanoTime() - deadline >= 0) {
                    lost.addSuppressed(e);
                    throw lost;
                }
                try {
                    Thread.sleep(100);
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
                discard(shard, member);
            } catch (JedisException e) {
                LOG.debug("Could not discard staged copy {} on shard {}; its holder will", member, shard, e);
            }
        }
    }

    private String decide(int decider, String id, String decision) {
        return decide(keys(decider).decision(id), decision, ShardKeys.bytes(Long.toString(DECISION_TTL_MILLIS)));
    }

    private String decide(String key, String decision, byte[] ttlMillis) {
        Object reply =
                Scripts.DECIDE.run(redis, List.of(ShardKeys.bytes(key)), List.of(ShardKeys.bytes(decision), ttlMillis));
        return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    private void publish(int shard, String member) {
        ShardKeys keys = keys(shard);
        Scripts.PUBLISH.run(
                redis,
                List.of(ShardKeys.bytes(keys.staged()), ShardKeys.bytes(keys.stagedAt()), ShardKeys.bytes(keys.list())),
                List.of(ShardKeys.bytes(member)));
    }

    private void discard(int shard, String member) {
        ShardKeys keys = keys(shard);
        Scripts.DISCARD.run(
                redis,
                List.of(ShardKeys.bytes(keys.staged()), ShardKeys.bytes(keys.stagedAt())),
                List.of(ShardKeys.bytes(member)));
    }

    private ShardKeys keys(int shard) {
        return ShardKeys.of(queueKey, shard, shards);
    }

    /** A staged copy's name: the shard its push is decided on, and the push's id. */
    static String member(int decider, String id) {
        return decider + "/" + id;
    }
}
