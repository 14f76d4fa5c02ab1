package io.promstream.expose;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.store.Family;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * A gzip scrape of all that {@code GET /metrics} shows, joined from deflate segments: the gateway's own metrics
 * compressed afresh every time, then each store family's segment, kept in a {@link FamilySegmentCache} and
 * compressed again only when the family or the visible partitions changed since. Most of a large scrape is
 * families that did not change since the last one; the bytes a client inflates are what rendering everything
 * afresh would give.
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
                long version = family.exposedVersion(); // before reading the family: a change after it is seen next time
                DeflateSegment segment = cache.get(family, openMetrics, version, visible);
                if (segment == null) {
                    MetricFamilySamples samples = store.render(family, started);
                    if (samples != null) {
                        render(openMetrics, writer, List.of(samples));
                        writer.flush();
                    }
                    segment = deflater.endSegment(false);
                    cache.put(family, openMetrics, version, visible, segment);
                }
                gzip.append(segment);
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
