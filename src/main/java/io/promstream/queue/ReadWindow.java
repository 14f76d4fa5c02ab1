package io.promstream.queue;

import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The reads of one shard that are in flight at once, one per worker taking from it. Each read reserves the
 * {@code popCount} elements past those reserved before it, so the workers' round trips to Redis overlap instead
 * of queueing on the take lock; the answers are then settled one at a time, in list order. A read that comes back
 * short (the list ended inside its range), fails, or finds the shard changed voids every read of its generation
 * still unsettled: those are read again from the cursor, so no element is skipped or handed out twice, and
 * nothing is lost by a void read (a read removes nothing). What must see the list with no read in flight (a
 * checkpoint's commit, which trims the tail the reads count from; settling a commit whose reply was lost) runs
 * {@link #exclusively}. Positions are absolute (the shard's trimmed count plus the elements past its tail), so a
 * commit between a read's answer and its turn moves nothing. Everything here is under the shard's take lock,
 * whose condition it waits on.
 */
final class ReadWindow {
    /**
     * One reserved read: its generation, the absolute position of its first element, the shard's trimmed count
     * when it was reserved (what its fence checks), and whether it started at the settled end ({@code first}: no
     * read was reserved ahead of it, so the list was known to reach its start). A read that does not start there
     * may reach Redis before the reads ahead of it, while the list was still shorter than its start: that makes
     * it short, not wrong.
     */
    record Read(long generation, long start, long trimmed, boolean first) {
        /** Where it starts past the tail as it was when reserved (what its {@code LRANGE} counts from). */
        long fromTail() {
            return start - trimmed;
        }
    }

    private final Condition changed;
    private final int popCount;
    private long generation;
    /** Elements reserved past the settled end by reads of this generation. */
    private long ahead;
    /** Reads whose round trip is not over. */
    private int inFlight;
    /** Callers of {@link #exclusively} waiting or running: no read is reserved meanwhile. */
    private int exclusive;

    ReadWindow(Condition changed, int popCount) {
        this.changed = changed;
        this.popCount = popCount;
    }

    /**
     * Waits while something runs {@link #exclusively}; false (at once) when {@code wait} is false and it would
     * have to wait, or when the shard stops being {@code open} meanwhile.
     */
    boolean awaitReservable(boolean wait, BooleanSupplier open) {
        while (exclusive > 0) {
            if (!wait || !open.getAsBoolean()) {
                return false;
            }
            changed.awaitUninterruptibly();
        }
        return true;
    }

    /** Reserves the next {@code popCount} elements past {@code settledEnd} and those already reserved. */
    Read reserve(long settledEnd, long trimmed) {
        Read read = new Read(generation, settledEnd + ahead, trimmed, ahead == 0);
        ahead += popCount;
        inFlight++;
        return read;
    }

    /** The read's round trip is over; when it was not {@code answered} (it failed), the reads after it are void. */
    void returned(Read read, boolean answered) {
        inFlight--;
        if (!answered && read.generation == generation) {
            restart();
        }
        changed.signalAll();
    }

    /**
     * Waits until every read reserved before {@code read} is settled, so that {@code settledEnd} is where it
     * starts.
     *
     * @return false when its turn never comes: it was voided (read again), or the shard stopped being
     *     {@code open}
     */
    boolean awaitTurn(Read read, LongSupplier settledEnd, BooleanSupplier open) {
        while (read.generation == generation && settledEnd.getAsLong() != read.start) {
            if (!open.getAsBoolean()) {
                return false;
            }
            changed.awaitUninterruptibly();
        }
        return read.generation == generation;
    }

    /** The read at its turn found {@code count} elements: a full read moves the window on, a short one ends it. */
    void settled(Read read, int count) {
        if (read.generation != generation) {
            throw new IllegalStateException("settling a void read");
        }
        if (count < popCount) {
            restart();
        } else {
            ahead -= count;
        }
        changed.signalAll();
    }

    /** Voids every unsettled read: what follows is read again from the settled end. */
    void restart() {
        generation++;
        ahead = 0;
        changed.signalAll();
    }

    /** Runs {@code action} once no read is in flight, reserving none meanwhile. */
    <T> T exclusively(Supplier<T> action) {
        exclusive++;
        try {
            while (inFlight > 0) {
                changed.awaitUninterruptibly();
            }
            return action.get();
        } finally {
            exclusive--;
            changed.signalAll();
        }
    }

    /** {@link #exclusively(Supplier)} for an action without a result. */
    void exclusively(Runnable action) {
        exclusively(() -> {
            action.run();
            return null;
        });
    }
}
