package io.promstream.expose;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.store.Family;
import io.promstream.store.SeriesSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * A gzip scrape of all that {@code GET /metrics} shows, joined from deflate segments: the gateway's own metrics
 * compressed afresh every time, then each store family's parts, kept in a {@link FamilySegmentCache} and
 * compressed again only when they changed since. A large family is kept in chunks ({@link Family#chunksFor}), so
 * one changed series costs its chunk only. The bytes a client inflates are what rendering everything afresh would
 * give.
 */
final class GzipExposition {
    private static final String EOF = "# EOF\n";
    private final CollectorRegistry meta;
    private final StoreCollector store;
    private final int level;
    private final FamilySegmentCache cache = new FamilySegmentCache();

    /**
     * @param meta  the gateway's and the JVM's metrics, shown before the store's
     * @param level the deflate level, 0-9
     */
    GzipExposition(CollectorRegistry meta, StoreCollector store, int level) {
        this.meta = meta;
        this.store = store;
        this.level = level;
    }

    /** Writes the whole exposition, gzip-compressed, in OpenMetrics 1.0 or else the text format 0.0.4. */
    void write(boolean openMetrics, OutputStream out) throws IOException {
        try (SegmentDeflater deflater = new SegmentDeflater(level)) {
            GzipJoiner gzip = new GzipJoiner(out);
            Utf8Writer writer = new Utf8Writer(deflater, 1 << 16, EOF);
            render(openMetrics, writer, Collections.list(meta.metricFamilySamples()));
            writer.flush();
            gzip.append(deflater.endSegment(false));
            long started = System.nanoTime();
            BitSet visible = store.store().visiblePartitions(started);
            List<Family> families = store.sortedFamilies();
            for (Family family : families) {
                FamilySegmentCache.Rendering rendering =
                        render(family, openMetrics, visible, started, writer, deflater);
                if (!rendering.isEmpty()) {
                    if (rendering.header() != null) {
                        gzip.append(rendering.header());
                    }
                    for (DeflateSegment part : rendering.parts()) {
                        gzip.append(part);
                    }
                }
            }
            cache.retainOnly(families);
            store.timer().record(System.nanoTime() - started);
            if (openMetrics) {
                deflater.write(EOF.getBytes(StandardCharsets.US_ASCII));
            }
            gzip.append(deflater.endSegment(true));
            gzip.finish();
        }
    }

    /**
     * The family as a scrape at {@code nowNanos} shows it: the chunks that changed since the kept rendering (or
     * all, when there is none, the chunk count changed or other partitions are visible) rendered and compressed
     * afresh, the others reused.
     */
    private FamilySegmentCache.Rendering render(
            Family family,
            boolean openMetrics,
            BitSet visible,
            long nowNanos,
            Utf8Writer writer,
            SegmentDeflater deflater)
            throws IOException {
        int chunks = Family.chunksFor(family.size());
        long[] versions =
                family.exposedVersions(chunks); // before reading the family: a change after it is seen next time
        FamilySegmentCache.Rendering kept = cache.get(family, openMetrics);
        boolean reusable =
                kept != null && kept.chunks() == chunks && kept.visible().equals(visible);
        long stale = 0;
        for (int c = 0; c < chunks; c++) {
            if (!reusable || kept.versions()[c] != versions[c]) {
                stale |= 1L << c;
            }
        }
        if (stale == 0) {
            return kept;
        }
        List<SeriesSnapshot>[] fresh = store.store().exposed(family, nowNanos, chunks, stale);
        DeflateSegment[] parts = new DeflateSegment[chunks];
        for (int c = 0; c < chunks; c++) {
            if (fresh[c] == null) {
                parts[c] = kept.parts()[c];
            } else if (fresh[c].isEmpty()) {
                parts[c] = DeflateSegment.EMPTY;
            } else {
                if (chunks > 1) {
                    writer.skipLines(2); // the # HELP and # TYPE lines: the header's
                }
                render(openMetrics, writer, List.of(StoreCollector.toFamilySamples(family, fresh[c])));
                writer.flush();
                parts[c] = deflater.endSegment(false);
            }
        }
        DeflateSegment header = null;
        if (chunks > 1) {
            render(openMetrics, writer, List.of(StoreCollector.toFamilySamples(family, List.of())));
            writer.flush();
            header = deflater.endSegment(false);
        }
        FamilySegmentCache.Rendering rendering =
                new FamilySegmentCache.Rendering(chunks, visible, versions, header, parts);
        cache.put(family, openMetrics, rendering);
        return rendering;
    }

    long cachedBytes() {
        return cache.bytes();
    }

    private static void render(boolean openMetrics, Utf8Writer writer, List<MetricFamilySamples> families)
            throws IOException {
        if (openMetrics) {
            TextFormat.writeOpenMetrics100(writer, Collections.enumeration(OpenMetricsFit.apply(families)));
        } else {
            TextFormat.write004(writer, Collections.enumeration(families));
        }
    }
}
