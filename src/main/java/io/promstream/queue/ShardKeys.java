package io.promstream.queue;

import java.nio.charset.StandardCharsets;

/**
 * The Redis keys of one shard (docs/wire-format.md, Shards). With one shard the list is the queue key itself;
 * with {@code N > 1} shard {@code i} is {@code <queueKey>:{<i>}}. Every key starts with the queue key, so one ACL
 * key pattern covers them. Every key kept for a shard carries the list's
 * hash tag, so a Redis Cluster keeps a shard and its bookkeeping in one slot and one script can touch them all:
 * the lease, the count of elements trimmed so far, the list of checkpoint parts, the set of parts written but not
 * yet committed, the parts themselves, and the staged copies and decisions of HTTP pushes split over shards.
 */
public final class ShardKeys {
    private final int shard;
    private final String list;
    private final String prefix;

    private ShardKeys(int shard, String list, String prefix) {
        this.shard = shard;
        this.list = list;
        this.prefix = prefix;
    }

    /** The keys of shard {@code shard} of {@code shards} for this queue key (which holds no braces). */
    public static ShardKeys of(String queueKey, int shard, int shards) {
        if (shards == 1) { // hash tag = the whole key, the slot of the list itself; still starts with the key
            return new ShardKeys(0, queueKey, queueKey + ":{" + queueKey + "}");
        }
        String list = queueKey + ":{" + shard + "}";
        return new ShardKeys(shard, list, list);
    }

    /** The key every live gateway of this queue announces itself in (not tied to a shard). */
    public static String members(String queueKey) {
        return queueKey + ":gateways";
    }

    public int shard() {
        return shard;
    }

    /** The list senders push onto. */
    public String list() {
        return list;
    }

    public String lease() {
        return prefix + ":lease";
    }

    /** The replication id the shard's node had when its lease was last taken (how a failover is told apart). */
    public String history() {
        return prefix + ":history";
    }

    /** Set for a lease's time after a failover is noticed: until it expires, no new holder exposes the shard. */
    public String exposeAfter() {
        return prefix + ":expose-after";
    }

    public String trimmed() {
        return prefix + ":trimmed";
    }

    public String checkpoint() {
        return prefix + ":checkpoint";
    }

    public String pending() {
        return prefix + ":checkpoint-pending";
    }

    /** The key of a checkpoint part written under lease {@code token}. */
    public String part(String token, long number) {
        return prefix + ":checkpoint:" + token + ":" + number;
    }

    /** The marker that makes re-sending one HTTP push onto this shard harmless. */
    public String pushMarker(String pushId) {
        return prefix + ":push:" + pushId;
    }

    /** The copies of pushes split over several shards, staged here until their push is decided (a hash by id). */
    public String staged() {
        return prefix + ":staged";
    }

    /** When each staged copy was staged (a sorted set by the server's clock in ms), for the sweep of old ones. */
    public String stagedAt() {
        return prefix + ":staged-at";
    }

    /** Whether a push split over shards, decided on this shard (its lowest), is stored ({@code commit}) or not. */
    public String decision(String pushId) {
        return prefix + ":decision:" + pushId;
    }

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return list;
    }
}
