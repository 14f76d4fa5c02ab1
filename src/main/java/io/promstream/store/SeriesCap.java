package io.promstream.store;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many series the store holds, under the cap of {@link StoreSettings#maxSeries}: room is taken before a series
 * is linked into its family and given back when it is unlinked.
 */
final class SeriesCap {
    private final int maxSeries;
    private final AtomicInteger count = new AtomicInteger();

    SeriesCap(int maxSeries) {
        this.maxSeries = maxSeries;
    }

    /** The cap: {@link StoreSettings#maxSeries}. */
    int max() {
        return maxSeries;
    }

    /** Takes room for {@code n} more series under the cap, all or none. */
    boolean reserve(int n) {
        int current;
        do {
            current = count.get();
            if (current > maxSeries - n) {
                return false;
            }
        } while (!count.compareAndSet(current, current + n));
        return true;
    }

    /** Counts one more series whatever the cap: a push replacing a series that a reset removed under it. */
    void countOne() {
        count.incrementAndGet();
    }

    /** Moves the series count by {@code delta}, whatever the cap (room was checked or reserved before). */
    void adjust(int delta) {
        count.addAndGet(delta);
    }

    int count() {
        return count.get();
    }

    /** Takes a series out of its family and gives back its room; {@code false} when it was no longer there. */
    boolean unlink(Family family, Series series) {
        if (family.remove(series)) {
            family.exposedChanged(series);
            count.decrementAndGet();
            return true;
        }
        return false;
    }
}
