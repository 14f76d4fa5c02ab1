package io.promstream.expose;

import io.promstream.store.Family;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compressed rendering of each store family, per exposition format, with what it was rendered from: the
 * family's {@link Family#exposedVersion()} and the partitions then visible. A scrape reuses a segment only when
 * both are unchanged, so it shows exactly what rendering afresh would. Families gone from the store are forgotten
 * at the next full scrape.
 */
final class FamilySegmentCache {
    private record Entry(long version, BitSet visible, DeflateSegment segment) {
    }

    private final ConcurrentHashMap<Family, Entry> text = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Family, Entry> openMetrics = new ConcurrentHashMap<>();

    /** The family's segment as rendered at {@code version} with {@code visible} partitions, or {@code null}. */
    DeflateSegment get(Family family, boolean om, long version, BitSet visible) {
        Entry entry = map(om).get(family);
        return entry != null && entry.version == version && entry.visible.equals(visible) ? entry.segment : null;
    }

    /** Keeps a segment; of two scrapes racing, the one rendered from the later version stays. */
    void put(Family family, boolean om, long version, BitSet visible, DeflateSegment segment) {
        map(om).merge(family, new Entry(version, visible, segment),
                (old, fresh) -> old.version > fresh.version ? old : fresh);
    }

    /** Forgets the families not among {@code live} (all the store's families, as a full scrape saw them). */
    void retainOnly(Collection<Family> live) {
        if (text.size() + openMetrics.size() > 0) {
            HashSet<Family> keep = new HashSet<>(live);
            text.keySet().retainAll(keep);
            openMetrics.keySet().retainAll(keep);
        }
    }

    /** Compressed bytes held (tests). */
    long bytes() {
        long total = 0;
        for (Entry e : text.values()) {
            total += e.segment.data().length;
        }
        for (Entry e : openMetrics.values()) {
            total += e.segment.data().length;
        }
        return total;
    }

    private ConcurrentHashMap<Family, Entry> map(boolean om) {
        return om ? openMetrics : text;
    }
}
