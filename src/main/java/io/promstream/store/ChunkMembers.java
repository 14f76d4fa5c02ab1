package io.promstream.store;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A family's series by chunk as a scrape last sorted them out of the partitions' maps, kept while no series came
 * or went and the same partitions are visible: a scrape of a family whose series only changed their values does not
 * go through the maps again. Thread-safe; a change is noted after it is made, and a stamp read before the maps are.
 */
final class ChunkMembers {
    private final AtomicLong changes = new AtomicLong();
    private volatile Kept kept;

    /**
     * The series of each chunk, in {@code found} and (for a family gone through in two halves) {@code more}, or
     * {@code null} for a chunk not sorted out.
     */
    record Sorted(List<Series>[] found, List<Series>[] more) {}

    private record Kept(long stamp, long visibility, Sorted sorted) {}

    /** Notes that a series came or went, once the maps show it. */
    void changed() {
        changes.incrementAndGet();
        kept = null;
    }

    /** What {@link #keep} is given for a sorting that starts now. */
    long stamp() {
        return changes.get();
    }

    /**
     * The series kept for {@code chunks} chunks of the partitions visible by {@code visibility}, or {@code null} when
     * a series came or went since {@code stamp} was taken for them.
     */
    Sorted get(long stamp, long visibility, int chunks) {
        Kept k = kept;
        return k != null && k.stamp == stamp && k.visibility == visibility && k.sorted.found().length == chunks
                ? k.sorted
                : null;
    }

    /** Keeps a sorting of every chunk that started when the stamp was {@code stamp}. */
    void keep(long stamp, long visibility, Sorted sorted) {
        kept = new Kept(stamp, visibility, sorted);
    }
}
