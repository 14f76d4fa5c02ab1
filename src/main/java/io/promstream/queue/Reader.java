package io.promstream.queue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a shard is read: the cursor past the trimmed tail, and the reads in flight at once, one per worker taking
 * from the shard. Each read reserves the {@code popCount} elements past those reserved before it, so the workers'
 * round trips to Redis overlap; the answers are settled one at a time, in list order. A read that comes back short
 * (the list ended inside its range), fails, or finds the shard changed voids every read of its generation still
 * unsettled: those are read again from the cursor, so no element is skipped or handed out twice (a read removes
 * nothing). What must see the list with no read in flight (a commit, which trims the tail the reads count from)
 * runs between {@link #beginExclusive} and {@link #endExclusive}. Positions are absolute (trimmed count plus cursor),
 * so a commit between a read's answer and its turn moves nothing.
 *
 * <p>No I/O and no waiting: the caller does the read ({@link ShardRedis#read}) and waits where this says so (the
 * shard, under its take lock; the simulation, by scheduling). Not thread-safe.
 */
public final class Reader {
    /**
     * One reserved read: its generation, the absolute position of its first element, the trimmed count when it was
     * reserved (what its fence checks), and whether it started at the settled end ({@code first}: no read was
     * reserved ahead of it, so the list was known to reach its start). A read that does not start there may reach
     * Redis before the reads ahead of it, while the list was still shorter than its start: that makes it short,
     * not wrong.
     */
    public record Read(long generation, long start, long trimmed, boolean first) {
        /** Where it starts past the tail as it was when reserved (what its {@code LRANGE} counts from). */
        public long fromTail() {
            return start - trimmed;
        }
    }

    /** What a settled read gives. */
    public enum Kind {
        /** Elements, handed out: {@link Settled#items()} oldest first. */
        BATCH,
        /** Nothing past the cursor. */
        EMPTY,
        /** Void, or reserved ahead past the end: read again. */
        AGAIN,
        /** The lease is not the reader's. */
        LEASE_LOST,
        /** Redis no longer holds what was read (a failover or restart lost writes, or elements were removed). */
        MOVED
    }

    /** A settled read: its kind, its elements (oldest first) for a batch, and the list's length it saw. */
    public record Settled(Kind kind, List<byte[]> items, long length) {
        static Settled of(Kind kind) {
            return new Settled(kind, List.of(), -1);
        }
    }

    private final int popCount;
    /** The shard's trimmed count as of the last commit this reader knows of. */
    private long trimmed;
    /** Elements read past the trimmed tail and handed out. */
    private long cursor;

    private long generation;
    /** Elements reserved past the settled end by reads of this generation. */
    private long ahead;
    /** Reads whose round trip is not over. */
    private int inFlight;
    /** Exclusive actions waiting or running: no read is reserved meanwhile. */
    private int exclusive;

    public Reader(int popCount, long trimmed) {
        if (popCount < 1) {
            throw new IllegalArgumentException("popCount must be at least 1");
        }
        this.popCount = popCount;
        this.trimmed = trimmed;
    }

    public int popCount() {
        return popCount;
    }

    /** The shard's trimmed count as this reader knows it. */
    public long trimmed() {
        return trimmed;
    }

    /** Elements read and handed out, not yet trimmed: what the next commit may cover. */
    public long cursor() {
        return cursor;
    }

    /** Whether a read may be reserved now (no exclusive action waits or runs). */
    public boolean reservable() {
        return exclusive == 0;
    }

    /** Reserves the next {@code popCount} elements past the settled end and those already reserved. */
    public Read reserve() {
        if (exclusive > 0) {
            throw new IllegalStateException("an exclusive action waits: no read may be reserved");
        }
        Read read = new Read(generation, trimmed + cursor + ahead, trimmed, ahead == 0);
        ahead += popCount;
        inFlight++;
        return read;
    }

    /** The read's round trip is over; when it was not {@code answered} (it failed), the reads after it are void. */
    public void returned(Read read, boolean answered) {
        inFlight--;
        if (!answered && read.generation() == generation) {
            restart();
        }
    }

    /** Whether the read must wait before it is settled: it is not void and reads before it are unsettled. */
    public boolean waiting(Read read) {
        return read.generation() == generation && trimmed + cursor != read.start();
    }

    /**
     * Settles an answered read at its turn ({@code !waiting(read)}): hands its elements out, or says why not.
     * A read that comes back short ends its generation; one that finds the list shorter than what was read before
     * it (and was not reserved ahead) means Redis no longer holds what was read.
     */
    public Settled settle(Read read, ShardRedis.Fenced fenced) {
        if (read.generation() != generation) {
            return Settled.of(Kind.AGAIN);
        }
        if (trimmed + cursor != read.start()) {
            throw new IllegalStateException("settling a read before its turn");
        }
        long length = fenced.length();
        if (length == ShardRedis.LEASE_LOST) {
            restart();
            return Settled.of(Kind.LEASE_LOST);
        }
        if (length < 0) {
            restart();
            return Settled.of(Kind.MOVED);
        }
        if (length < read.fromTail() && read.first()) {
            restart();
            return new Settled(Kind.MOVED, List.of(), length);
        }
        int count = fenced.items().size();
        if (count < popCount) {
            restart();
        } else {
            ahead -= count;
        }
        if (count == 0) { // past the end; for a read reserved ahead, maybe only when it reached Redis
            return new Settled(read.first() ? Kind.EMPTY : Kind.AGAIN, List.of(), length);
        }
        List<byte[]> items = new ArrayList<>(fenced.items()); // newest first
        Collections.reverse(items);
        cursor += count;
        return new Settled(Kind.BATCH, items, length);
    }

    /** Voids every unsettled read: what follows is read again from the settled end. */
    public void restart() {
        generation++;
        ahead = 0;
    }

    /** Holds new reads back until {@link #endExclusive}; the action may run once {@link #quiet()}. */
    public void beginExclusive() {
        exclusive++;
    }

    public void endExclusive() {
        exclusive--;
    }

    /** Whether no read is in flight. */
    public boolean quiet() {
        return inFlight == 0;
    }

    /** A commit of {@code cut} elements landed: they are trimmed off the tail the cursor counts from. */
    public void committed(long cut) {
        if (cut > cursor) {
            throw new IllegalStateException("committed " + cut + " elements, but only " + cursor + " were read");
        }
        cursor -= cut;
        trimmed += cut;
    }
}
