package io.promstream.expose;

import io.promstream.store.Family;
import io.promstream.store.FamilySnapshot;
import io.promstream.store.SeriesSnapshot;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compressed rendering of each store family, per exposition format, with the versions of the snapshot it was
 * rendered from ({@link FamilySnapshot}). A scrape reuses a chunk's part only when its
 * version is unchanged, so it shows exactly what rendering afresh would. Each kept
 * rendering is whole and consistent with its versions, so of two scrapes racing either may stay. Families gone
 * from the store are forgotten at the next full scrape.
 *
 * @see GzipExposition
 */
final class FamilySegmentCache {
    /**
     * A family's rendering: with one chunk, {@code parts[0]} is the whole family; with more, {@code header} holds
     * its {@code # HELP} and {@code # TYPE} lines and each part one chunk's samples.
     */
    record Rendering(long[] versions, DeflateSegment header, DeflateSegment[] parts) {
        boolean isEmpty() {
            for (DeflateSegment part : parts) {
                if (part.length() > 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private final ConcurrentHashMap<Family, Rendering> text = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Family, Rendering> openMetrics = new ConcurrentHashMap<>();
    /** Each family's chunks' label pairs, shared by both formats; an element may be {@code null}. */
    private final ConcurrentHashMap<Family, ChunkLabels[]> labels = new ConcurrentHashMap<>();

    /** The family's last rendering in this format, or {@code null}. */
    Rendering get(Family family, boolean om) {
        return map(om).get(family);
    }

    void put(Family family, boolean om, Rendering rendering) {
        map(om).put(family, rendering);
    }

    /**
     * The label pairs of {@code series}, chunk {@code chunk} of the family's {@code chunks}: those kept when they fit
     * (the same series in the same order), else made now and kept.
     */
    ChunkLabels labels(Family family, int chunk, int chunks, List<SeriesSnapshot> series) {
        ChunkLabels[] kept = labels.get(family);
        if (kept == null || kept.length != chunks) {
            kept = new ChunkLabels[chunks];
            labels.put(family, kept); // a racing scrape may replace it: each array is whole, either may stay
        }
        ChunkLabels chunkLabels = kept[chunk];
        if (chunkLabels == null || !chunkLabels.fits(series)) {
            chunkLabels = ChunkLabels.of(series);
            kept[chunk] = chunkLabels; // immutable (final fields): safe to publish without a lock
        }
        return chunkLabels;
    }

    /** Forgets the families not among {@code live} (all the store's families, as a full scrape saw them). */
    void retainOnly(Collection<Family> live) {
        if (text.size() + openMetrics.size() + labels.size() > 0) {
            HashSet<Family> keep = new HashSet<>(live);
            text.keySet().retainAll(keep);
            openMetrics.keySet().retainAll(keep);
            labels.keySet().retainAll(keep);
        }
    }

    /** Compressed bytes held (tests). */
    long bytes() {
        long total = 0;
        for (ConcurrentHashMap<Family, Rendering> map : List.of(text, openMetrics)) {
            for (Rendering r : map.values()) {
                total += r.header() == null ? 0 : r.header().data().length;
                for (DeflateSegment part : r.parts()) {
                    total += part.data().length;
                }
            }
        }
        return total;
    }

    /** Bytes of label pairs held (tests). */
    long labelBytes() {
        long total = 0;
        for (ChunkLabels[] chunks : labels.values()) {
            for (ChunkLabels chunk : chunks) {
                total += chunk == null ? 0 : chunk.bytes();
            }
        }
        return total;
    }

    private ConcurrentHashMap<Family, Rendering> map(boolean om) {
        return om ? openMetrics : text;
    }
}
