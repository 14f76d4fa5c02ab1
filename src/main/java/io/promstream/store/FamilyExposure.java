package io.promstream.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * What a scrape exposes of a family ({@link MetricStore#exposed}): its series of visible partitions by chunk, those
 * of one labels on two partitions (a misrouted sample's) merged ({@link SnapshotMerge}).
 */
final class FamilyExposure {
    /** A family at least this large is gone through on two threads, when a scrape has two. */
    private static final int SPLIT_SERIES = 16_384;

    private FamilyExposure() {}

    /**
     * The chunks whose bit is set in {@code wanted}, their series to be copied by the caller ({@code null} for the
     * other chunks). A large family whose partitions hold distinct labels is gone through in two halves, one of them
     * on {@code helper} when one is given. With a {@code visibility} ({@link Partitions#visibility}, else -1), every
     * chunk is sorted out and kept for the next call ({@link ChunkMembers}), which reuses it while no series came or
     * went.
     */
    static ExposedChunk[] exposed(
            Family family, long nowNanos, int chunks, long wanted, long visibility, ExecutorService helper) {
        ExposedChunk[] out = new ExposedChunk[chunks];
        if (family.isMixed()) {
            List<SeriesSnapshot>[] merged = mergedChunks(family, nowNanos, chunks, wanted);
            for (int c = 0; c < chunks; c++) {
                out[c] = merged[c] == null ? null : ExposedChunk.merged(merged[c]);
            }
            return out;
        }
        long stamp = family.members.stamp(); // before going through the maps
        ChunkMembers.Sorted sorted = visibility < 0 ? null : family.members.get(stamp, visibility, chunks);
        if (sorted == null) {
            long all = chunks == Long.SIZE ? -1L : (1L << chunks) - 1;
            sorted = sortVisible(family, nowNanos, chunks, visibility < 0 ? wanted : all, helper);
            if (visibility >= 0) {
                family.members.keep(stamp, visibility, sorted);
            }
        }
        for (int c = 0; c < chunks; c++) {
            if ((wanted & (1L << c)) != 0 && sorted.found()[c] != null) {
                out[c] = ExposedChunk.of(sorted.found()[c], sorted.more() == null ? List.of() : sorted.more()[c]);
            }
        }
        return out;
    }

    /** The series of partitions visible at {@code nowNanos}, by chunk, for the chunks {@code wanted}. */
    private static ChunkMembers.Sorted sortVisible(
            Family family, long nowNanos, int chunks, long wanted, ExecutorService helper) {
        List<Spliterator<Series>> mine = new ArrayList<>();
        List<Spliterator<Series>> halves = new ArrayList<>();
        boolean split = helper != null && family.size() >= SPLIT_SERIES;
        for (Spliterator<Series> part : family.visibleParts(nowNanos)) {
            Spliterator<Series> half = split ? part.trySplit() : null;
            mine.add(part);
            if (half != null) {
                halves.add(half);
            }
        }
        Future<List<Series>[]> other = halves.isEmpty() ? null : helper.submit(() -> sort(halves, chunks, wanted));
        List<Series>[] found = sort(mine, chunks, wanted);
        return new ChunkMembers.Sorted(found, other == null ? null : join(other));
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while going through a family", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("going through a family failed", e.getCause());
        }
    }

    /** The series {@code parts} give (all of visible partitions), by chunk, for the chunks {@code wanted}. */
    @SuppressWarnings("unchecked")
    private static List<Series>[] sort(List<Spliterator<Series>> parts, int chunks, long wanted) {
        List<Series>[] found = new List[chunks];
        long size = 0;
        for (Spliterator<Series> part : parts) {
            size += part.estimateSize();
        }
        long expected = size / chunks; // a chunk's share varies by about its square root
        int capacity = (int) Math.min(1 << 20, expected + 4 * (long) Math.sqrt(expected) + 16);
        for (int c = 0; c < chunks; c++) {
            if ((wanted & (1L << c)) != 0) {
                found[c] = new ArrayList<>(capacity);
            }
        }
        for (Spliterator<Series> part : parts) {
            part.forEachRemaining(s -> {
                List<Series> chunk = found[chunks == 1 ? 0 : ChunkVersions.chunkOf(s.labelsHash(), chunks)];
                if (chunk != null) {
                    chunk.add(s);
                }
            });
        }
        return found;
    }

    /** Where two partitions hold series of one labels: the visible series merged by labels ({@link SnapshotMerge}), by chunk. */
    @SuppressWarnings("unchecked")
    private static List<SeriesSnapshot>[] mergedChunks(Family family, long nowNanos, int chunks, long wanted) {
        Map<LabelSet, SnapshotMerge>[] merged = new Map[chunks];
        for (int c = 0; c < chunks; c++) {
            if ((wanted & (1L << c)) != 0) {
                merged[c] = new LinkedHashMap<>();
            }
        }
        for (Series series : family.series()) {
            int c = chunks == 1 ? 0 : ChunkVersions.chunkOf(series.labelsHash(), chunks);
            if (merged[c] != null && series.partition().isVisible(nowNanos)) {
                long updated = series.lastUpdatedMillis();
                merged[c]
                        .computeIfAbsent(series.labels(), l -> new SnapshotMerge(family.type()))
                        .add(series.snapshot(), updated);
            }
        }
        List<SeriesSnapshot>[] out = new List[chunks];
        for (int c = 0; c < chunks; c++) {
            if (merged[c] != null) {
                out[c] = new ArrayList<>(merged[c].size());
                for (SnapshotMerge m : merged[c].values()) {
                    out[c].add(m.result());
                }
            }
        }
        return out;
    }
}
