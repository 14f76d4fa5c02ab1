package io.promstream.expose;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.promstream.store.ExposedChunk;
import io.promstream.store.Family;
import io.promstream.store.FamilySnapshot;
import io.promstream.store.SeriesSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gzip scrape of all that {@code GET /metrics} shows, joined from deflate segments: the gateway's own metrics
 * compressed afresh every time, then each store family's parts, kept in a {@link FamilySegmentCache} and
 * compressed again only when their snapshot's version changed since ({@link FamilySnapshot}). A large family is
 * kept in chunks, so one changed series costs its chunk only. The parts to compress again are written by {@link SnapshotWriter} and
 * compressed on the scrape's thread and the helpers given, in parallel. The bytes a client inflates are what
 * rendering everything afresh would give.
 */
final class GzipExposition {
    private static final String EOF = "# EOF\n";
    /** Below this many series to render, helpers cost more than they save. */
    private static final int PARALLEL_SERIES = 4096;

    private final CollectorRegistry meta;
    private final StoreCollector store;
    private final int level;
    private final ExecutorService helpers;
    private final int helperCount;
    private final FamilySegmentCache cache = new FamilySegmentCache();

    /**
     * @param meta        the gateway's and the JVM's metrics, shown before the store's
     * @param level       the deflate level, 0-9
     * @param helpers     threads that compress beside the scrape's own, or {@code null}
     * @param helperCount how many of them one scrape may use
     */
    GzipExposition(CollectorRegistry meta, StoreCollector store, int level, ExecutorService helpers, int helperCount) {
        this.meta = meta;
        this.store = store;
        this.level = level;
        this.helpers = helpers;
        this.helperCount = helpers == null ? 0 : helperCount;
    }

    /** Writes the whole exposition, gzip-compressed, in OpenMetrics 1.0 or else the text format 0.0.4. */
    void write(boolean openMetrics, OutputStream out) throws IOException {
        SnapshotWriter format = SnapshotWriter.of(openMetrics);
        try (SegmentDeflater deflater = new SegmentDeflater(level)) {
            GzipJoiner gzip = new GzipJoiner(out);
            Utf8Writer writer = new Utf8Writer(deflater, 1 << 16, EOF);
            ExpositionServlet.write(
                    openMetrics ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004,
                    writer,
                    Collections.list(meta.metricFamilySamples()));
            writer.flush();
            gzip.append(deflater.endSegment(false));
            long started = System.nanoTime();
            List<Family> families = store.sortedFamilies();
            List<Pending> pending = new ArrayList<>(families.size());
            List<Part> parts = new ArrayList<>();
            for (Family family : families) {
                pending.add(plan(family, openMetrics, started, parts));
            }
            compress(format, parts);
            for (Pending p : pending) {
                FamilySegmentCache.Rendering rendering = p.finish(format, writer, deflater, cache, openMetrics);
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
     * What a scrape at {@code nowNanos} shows of the family: the chunks whose snapshot version differs from the kept
     * rendering's (all, when there is none) copied now and added to {@code parts} to compress, the others reused.
     */
    private Pending plan(Family family, boolean openMetrics, long nowNanos, List<Part> parts) {
        FamilySegmentCache.Rendering kept = cache.get(family, openMetrics);
        FamilySnapshot snapshot = store.store()
                .snapshot(family, nowNanos, kept == null ? null : kept.versions(), helperCount > 0 ? helpers : null);
        Pending pending = new Pending(snapshot, kept);
        if (snapshot.unchanged()) {
            return pending;
        }
        for (int c = 0; c < snapshot.chunks(); c++) {
            ExposedChunk fresh = snapshot.fresh(c);
            if (fresh == null) {
                pending.parts[c] = kept.parts()[c];
            } else if (fresh.isEmpty()) {
                pending.parts[c] = DeflateSegment.EMPTY;
            } else {
                parts.add(new Part(pending, c, fresh));
            }
        }
        return pending;
    }

    /** Renders and compresses every part, here and on up to {@code helperCount} helpers. */
    private void compress(SnapshotWriter format, List<Part> parts) throws IOException {
        int series = 0;
        for (Part part : parts) {
            series += part.series.size();
        }
        AtomicInteger next = new AtomicInteger();
        int helping = series < PARALLEL_SERIES ? 0 : Math.min(helperCount, parts.size() - 1);
        List<Future<?>> running = new ArrayList<>(helping);
        for (int i = 0; i < helping; i++) {
            running.add(helpers.submit(() -> compressSome(format, parts, next)));
        }
        compressSome(format, parts, next);
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while compressing the scrape", e);
            } catch (ExecutionException e) {
                throw new IOException("compressing the scrape failed", e.getCause());
            }
        }
    }

    /** Takes parts off {@code parts} by {@code next} until none is left. */
    private void compressSome(SnapshotWriter format, List<Part> parts, AtomicInteger next) {
        try (SegmentDeflater deflater = new SegmentDeflater(level)) {
            Utf8Writer writer = new Utf8Writer(deflater, 1 << 16);
            for (int i = next.getAndIncrement(); i < parts.size(); i = next.getAndIncrement()) {
                Part part = parts.get(i);
                Family family = part.pending.snapshot.family();
                if (part.pending.snapshot.chunks() == 1) {
                    format.header(family, writer);
                }
                // copied here, on the thread that renders
                List<SeriesSnapshot> series = store.inText(part.series.snapshots());
                ChunkLabels labels = cache.labels(family, part.chunk, part.pending.snapshot.chunks(), series);
                format.all(family.type(), family.name(), series, labels, writer);
                writer.flush();
                part.pending.parts[part.chunk] = deflater.endSegment(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a segment deflater writes to memory only
        }
    }

    long cachedBytes() {
        return cache.bytes();
    }

    long cachedLabelBytes() {
        return cache.labelBytes();
    }

    /** One chunk of a family to render and compress. */
    private record Part(Pending pending, int chunk, ExposedChunk series) {}

    /** A family's rendering being made: its parts filled in by {@link #compress}, or kept. */
    private static final class Pending {
        final FamilySnapshot snapshot;
        final FamilySegmentCache.Rendering kept;
        final DeflateSegment[] parts;

        Pending(FamilySnapshot snapshot, FamilySegmentCache.Rendering kept) {
            this.snapshot = snapshot;
            this.kept = kept;
            this.parts = new DeflateSegment[snapshot.chunks()];
        }

        /** The rendering, kept for the next scrape when anything in it is new; a chunked family gets its header. */
        FamilySegmentCache.Rendering finish(
                SnapshotWriter format,
                Utf8Writer writer,
                SegmentDeflater deflater,
                FamilySegmentCache cache,
                boolean openMetrics)
                throws IOException {
            if (snapshot.unchanged()) {
                return kept;
            }
            int chunks = snapshot.chunks();
            DeflateSegment header = null;
            if (chunks > 1) {
                format.header(snapshot.family(), writer);
                writer.flush();
                header = deflater.endSegment(false);
            }
            FamilySegmentCache.Rendering rendering =
                    new FamilySegmentCache.Rendering(snapshot.versions(), header, parts);
            cache.put(snapshot.family(), openMetrics, rendering);
            return rendering;
        }
    }
}
