package io.promstream.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The series of one chunk of a family that a scrape shows, copied when {@link #snapshots} is called: a scrape can
 * copy and render its chunks on several threads. Series of one labels on two partitions (a misrouted sample's) are merged when
 * the chunk is made.
 */
public final class ExposedChunk {
    private final List<Series> series;
    private final List<Series> more;
    private final List<SeriesSnapshot> merged;

    private ExposedChunk(List<Series> series, List<Series> more, List<SeriesSnapshot> merged) {
        this.series = series;
        this.more = more;
        this.merged = merged;
    }

    /** The series of both lists (a family gone through in two halves). */
    static ExposedChunk of(List<Series> series, List<Series> more) {
        return new ExposedChunk(series, more, null);
    }

    static ExposedChunk merged(List<SeriesSnapshot> merged) {
        return new ExposedChunk(null, null, merged);
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public int size() {
        return series == null ? merged.size() : series.size() + more.size();
    }

    /** Consistent copies of the chunk's series, each taken under its own monitor now. */
    public List<SeriesSnapshot> snapshots() {
        if (series == null) {
            return merged;
        }
        List<SeriesSnapshot> out = new ArrayList<>(size());
        copy(series, out);
        copy(more, out);
        return out;
    }

    /** Snapshots of {@code series} into {@code out}, each group of them read ahead first ({@link Series#readAhead}). */
    private static void copy(List<Series> series, List<SeriesSnapshot> out) {
        int n = series.size();
        for (int from = 0; from < n; from += Series.READ_AHEAD) {
            int to = Math.min(n, from + Series.READ_AHEAD);
            Series.readAhead(series, from, to);
            for (int i = from; i < to; i++) {
                out.add(series.get(i).snapshot());
            }
        }
    }
}
