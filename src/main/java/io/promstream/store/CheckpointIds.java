package io.promstream.store;

import java.util.List;

/**
 * The numbers a partition's checkpoint gives its series (docs/semantics.md, Checkpoints): a series is written
 * with its labels once, under a number, and then by that number alone, until the next full segment numbers every
 * series again. A number given in a segment that is not committed is taken back. Used by one checkpoint at a
 * time (the shard's checkpoint lock), or by the load before the partition takes samples.
 */
final class CheckpointIds {
    /** A series' number before a committed segment gave it one. */
    static final int NONE = 0;

    private int next = 1;
    private int segmentFirst = 1;
    private boolean full;
    /** A full segment was not committed: the series hold its numbers, which no load knows, until the next full. */
    private boolean untrusted;

    /** A segment begins; a full one numbers every series from the start. */
    void segment(boolean full) {
        this.full = full;
        if (full) {
            next = 1;
            untrusted = false;
        }
        segmentFirst = next;
    }

    /** Whether the series can be written by its number alone in the segment begun. */
    boolean known(Series series) {
        return !full && !untrusted && series.checkpointId() != NONE;
    }

    /** Gives the series the next number, which its record in this segment defines. */
    int assign(Series series) {
        int id = next++;
        series.checkpointId(id);
        return id;
    }

    /** The segment begun was not committed: the numbers it gave are taken back from the series it took. */
    void abandon(List<Series> taken) {
        untrusted |= full;
        for (Series s : taken) {
            if (s.checkpointId() >= segmentFirst) {
                s.checkpointId(NONE);
            }
        }
        next = segmentFirst;
    }

    /** A load restored a series under {@code id}; the numbers given next follow the largest read. */
    void restored(Series series, int id) {
        series.checkpointId(id);
        next = Math.max(next, id + 1);
    }

    /** A load met a full segment: the numbers before it are moot. */
    void restart() {
        next = 1;
        segmentFirst = 1;
        untrusted = false;
    }
}
