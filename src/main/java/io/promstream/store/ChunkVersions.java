package io.promstream.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A family's change marks by chunk, for scrapes that keep what they rendered ({@link FamilySnapshot}): writers
 * set a chunk's bit when they change what a scrape could show of it (a bit written only when clear, no lock);
 * a scrape takes the marks and turns them into a version per chunk.
 */
final class ChunkVersions {
    /** A family is split into chunks of about this many series, for scrapes that keep what they rendered. */
    static final int CHUNK_SERIES = 1024;

    static final int MAX_CHUNKS = 64;

    private static final VarHandle CHANGED_CHUNKS;

    static {
        try {
            CHANGED_CHUNKS = MethodHandles.lookup().findVarHandle(ChunkVersions.class, "changedChunks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The chunks changed since a scrape last took them: bit {@code i} for chunk {@code i} of {@link #chunks}
     * ({@link #chunkOf}). Cleared by {@link #take}.
     */
    private volatile long changedChunks = -1L;
    /** How many chunks the change marks are kept for; set by scrapes. */
    private volatile int chunks = 1;
    /** A number per chunk, and the last number given out: guarded by {@link #lock}, which only scrapes take. */
    private long[] versions = {0};

    private long lastVersion;
    private long lastVisibility = -1;
    private final Object lock = new Object();

    /** The chunk, of {@code chunks} (a power of two), of the series whose labels have this hash. */
    static int chunkOf(int labelsHash, int chunks) {
        return (labelsHash ^ (labelsHash >>> 16)) & (chunks - 1);
    }

    /** The number of chunks a scrape splits a family of {@code size} series into: a power of two. */
    static int chunksFor(int size) {
        return size < 2 * CHUNK_SERIES ? 1 : Math.min(MAX_CHUNKS, Integer.highestOneBit(size / CHUNK_SERIES));
    }

    /** Every chunk changed. */
    void markAll() {
        mark(-1L);
    }

    /** The chunk of the series whose labels have this hash changed. */
    void mark(int labelsHash) {
        mark(1L << chunkOf(labelsHash, chunks));
    }

    private void mark(long bits) {
        long current = changedChunks;
        while ((current & bits) != bits) {
            if (CHANGED_CHUNKS.compareAndSet(this, current, current | bits)) {
                return;
            }
            current = changedChunks;
        }
    }

    /**
     * A number per chunk (of {@code count}, a power of two up to {@link #MAX_CHUNKS}) that changes whenever what a
     * scrape shows of that chunk may have changed: equal numbers from two calls mean no change was noted between
     * them. What a caller reads of the family after this call includes every change noted before it; a later
     * change makes the next call answer a larger number for its chunk. Another count or {@code visibility} (of the
     * partitions, {@link Partitions#visibility}) than the last call's changes every number.
     *
     * @return the numbers, a copy
     */
    long[] take(int count, long visibility) {
        synchronized (lock) {
            if (count != chunks || count != versions.length || visibility != lastVisibility) {
                chunks = count; // before the marks are taken: a writer that still saw the old count is seen below
                lastVisibility = visibility;
                if (versions.length != count) {
                    versions = new long[count];
                }
                mark(-1L);
            }
            long taken = (long) CHANGED_CHUNKS.getAndSet(this, 0L);
            boolean beyond = count < 64 && (taken & (-1L << count)) != 0; // marked by the count before: all
            for (int i = 0; i < count; i++) {
                if (beyond || (taken & (1L << i)) != 0) {
                    versions[i] = ++lastVersion; // never a number given out before, whatever the count
                }
            }
            return versions.clone();
        }
    }
}
