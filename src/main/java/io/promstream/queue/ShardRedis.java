package io.promstream.queue;

import java.util.List;
import java.util.Set;

/**
 * Everything one shard's lease, reader and checkpoints ask of Redis, each on the shard's slot (docs/design.md,
 * Shards). The gateway runs it over Jedis ({@link JedisShardRedis}, the Lua scripts of {@link Scripts}); the
 * protocol's simulation runs it over a model of Redis that keeps the same rules. A call that fails throws a
 * {@link redis.clients.jedis.exceptions.JedisException}; it may or may not have run on the server.
 */
public interface ShardRedis {
    /**
     * The lease, when taken: {@code held}, the replication id of the node that gave it, and how long to wait
     * before exposing the shard ({@code waitMillis}: after a failover noticed within the last lease, a holder from
     * before it may think the lease its own that long).
     */
    record Acquired(boolean held, byte[] history, long waitMillis) {}

    /** What a renewal found. */
    enum Renewal {
        /** Extended. */
        RENEWED,
        /** Not the caller's any more. */
        LOST,
        /** The caller's, on another history (a failover or restart since it was taken): not extended. */
        MOVED
    }

    /**
     * A take's fence and read: {@code length} is the list's length (the elements are used), or {@link #LEASE_LOST}
     * or {@link #MOVED} (they are not); {@code items} newest first, as {@code LRANGE} gives them.
     */
    record Fenced(long length, List<byte[]> items) {}

    /** {@link Fenced#length()}: the lease is not the caller's. */
    long LEASE_LOST = -2;
    /** {@link Fenced#length()}: the trimmed count or the history is not the caller's (Redis lost writes). */
    long MOVED = -1;

    /** What a commit found: {@code code} as {@link Scripts#COMMIT} returns it, and the trimmed count after. */
    record Committed(int code, long trimmed) {
        public static final int LEASE_LOST = 0;
        public static final int DONE = 1;
        public static final int TRIMMED_ELSEWHERE = 2;
        public static final int GONE = 3;
    }

    /** Takes the lease for {@code token} when it is free (or the token holds it already). */
    Acquired acquire(byte[] token, long ttlMillis);

    /** Extends the lease when {@code token} holds it on {@code history}. */
    Renewal renew(byte[] token, long ttlMillis, byte[] history);

    /** Gives the lease up, if {@code token} holds it. */
    void release(byte[] token);

    /**
     * The fence (lease, trimmed count, history) and, in the same round trip, the {@code count} elements from
     * {@code fromTail} past the tail.
     */
    Fenced read(byte[] token, long trimmed, byte[] history, long fromTail, int count);

    /** Writes a checkpoint part and notes it pending, if {@code token} holds the lease; false when it does not. */
    boolean writePart(byte[] token, String name, byte[] bytes);

    /**
     * Commits a checkpoint ({@link Scripts#COMMIT}): trims {@code cut} elements and appends {@code written} parts
     * (a {@code full} one drops {@code replaced} and the list of parts first), if {@code token} holds the lease on
     * {@code history} and the trimmed count is still {@code trimmed}.
     */
    Committed commit(
            byte[] token,
            byte[] history,
            long trimmed,
            long cut,
            boolean full,
            List<String> written,
            List<String> replaced);

    /** The shard's trimmed count (elements trimmed off its list since it began). */
    long trimmed();

    /** The names of the committed checkpoint parts, oldest first. */
    List<String> committedParts();

    /** The parts' bytes, in the order asked; {@code null} for a part that is missing. */
    List<byte[]> partBytes(List<String> names);

    /** Parts written but maybe not committed (by this or an earlier holder). */
    Set<String> pendingParts();

    /** Deletes these uncommitted parts and forgets every pending one, if {@code token} holds the lease. */
    void cleanPending(byte[] token, List<String> uncommitted);

    /** The list's length. */
    long length();

    /** Waits up to {@code seconds} for the list to hold anything (returns at once when it does). */
    void awaitElements(double seconds);
}
