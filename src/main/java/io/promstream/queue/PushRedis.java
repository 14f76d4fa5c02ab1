package io.promstream.queue;

import java.util.List;

/**
 * Everything the writer of HTTP pushes asks of Redis, each call on one shard's slot (docs/semantics.md, HTTP
 * pushes). The gateway runs it over Jedis ({@link JedisPushRedis}, the scripts of {@link Scripts}); the protocol's
 * simulation runs it over a model of Redis that keeps the same rules. A call that fails throws a
 * {@link redis.clients.jedis.exceptions.JedisException}; it may or may not have run on the server.
 */
public interface PushRedis {
    /**
     * Pushes {@code element} onto the shard's list unless push {@code id} has its marker there already; the marker
     * is set, kept {@code markerTtlMillis} ({@link Scripts#PUSH_ONCE}). True when this call pushed it.
     */
    boolean pushOnce(int shard, String id, long markerTtlMillis, byte[] element);

    /**
     * Fixes the fate of a {@link #pushOnce} whose reply was lost: true when it landed; otherwise its marker is taken
     * so that it never will.
     */
    boolean landedOnce(int shard, String id, long markerTtlMillis);

    /** Stages {@code copy} as {@code member} on the shard, where no worker sees it ({@link Scripts#STAGE}). */
    void stage(int shard, String member, byte[] copy);

    /**
     * Decides push {@code id} on shard {@code decider} as {@code decision} unless it was decided already, kept
     * {@code ttlMillis} ({@link Scripts#DECIDE}). Returns the decision in force.
     */
    String decide(int decider, String id, String decision, long ttlMillis);

    /** Moves a staged copy onto the head of the shard's list ({@link Scripts#PUBLISH}); false when not staged. */
    boolean publish(int shard, String member);

    /** Drops a staged copy ({@link Scripts#DISCARD}). */
    void discard(int shard, String member);

    /** At most {@code max} members staged on the shard more than {@code ageMillis} ago by the server's clock. */
    List<String> stagedBefore(int shard, long ageMillis, int max);

    /** Forgets the decision of push {@code id} on shard {@code decider} (every copy is published). */
    void forget(int decider, String id);
}
