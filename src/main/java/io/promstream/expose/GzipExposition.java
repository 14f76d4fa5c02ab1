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
 * kept in chunks, so one changed series costs its chunk only. The pieces to compress (the own metrics and the
 * changed chunks, written by {@link SnapshotWriter}) are taken by the scrape's thread and the helpers given, in
 * parallel; the scrape's thread sends each piece as soon as it and all before it are done. The bytes a client
 * inflates are what rendering everything afresh would give.
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
            Utf8Writer writer = writerTo(deflater);
            long started = System.nanoTime();
            List<Family> families = store.sortedFamilies();
            List<FamilyParts> parts = new ArrayList<>(families.size());
            MetaPiece metaPiece = new MetaPiece(openMetrics);
            List<Piece> pieces = new ArrayList<>();
            pieces.add(metaPiece);
            for (Family family : families) {
                parts.add(plan(family, openMetrics, started, pieces, format, writer, deflater));
            }
            Sender sender = new Sender(new GzipJoiner(out), metaPiece, parts, openMetrics);
            compress(format, pieces, sender, writer, deflater);
            sender.sendReady();
            cache.retainOnly(families);
            store.timer().record(System.nanoTime() - started);
            if (openMetrics) {
                deflater.write(EOF.getBytes(StandardCharsets.US_ASCII));
            }
            sender.gzip.append(deflater.endSegment(true));
            sender.gzip.finish();
        }
    }

    /**
     * What a scrape at {@code nowNanos} shows of the family: the chunks whose snapshot version differs from the kept
     * rendering's (all, when there is none) added to {@code pieces} to compress, the others reused. The header of a
     * changed family in chunks is compressed here, with {@code writer} and {@code deflater}.
     */
    private FamilyParts plan(
            Family family,
            boolean openMetrics,
            long nowNanos,
            List<Piece> pieces,
            SnapshotWriter format,
            Utf8Writer writer,
            SegmentDeflater deflater)
            throws IOException {
        FamilySegmentCache.Rendering kept = cache.get(family, openMetrics);
        FamilySnapshot snapshot = store.store()
                .snapshot(family, nowNanos, kept == null ? null : kept.versions(), helperCount > 0 ? helpers : null);
        if (snapshot.unchanged()) {
            return new FamilyParts(snapshot, kept, null);
        }
        DeflateSegment header = null;
        if (snapshot.chunks() > 1) {
            format.header(family, writer);
            writer.flush();
            header = deflater.endSegment(false);
        }
        FamilyParts parts = new FamilyParts(snapshot, kept, header);
        for (int c = 0; c < snapshot.chunks(); c++) {
            ExposedChunk fresh = snapshot.fresh(c);
            if (fresh == null) {
                parts.set(c, kept.parts()[c]);
            } else if (fresh.isEmpty()) {
                parts.set(c, DeflateSegment.EMPTY);
            } else {
                pieces.add(new ChunkPiece(parts, c, fresh));
            }
        }
        return parts;
    }

    /**
     * Renders and compresses every piece, here and on up to {@code helperCount} helpers; here, sends what is ready
     * after each piece.
     */
    private void compress(
            SnapshotWriter format, List<Piece> pieces, Sender sender, Utf8Writer writer, SegmentDeflater deflater)
            throws IOException {
        int series = 0;
        for (Piece piece : pieces) {
            series += piece.size();
        }
        AtomicInteger next = new AtomicInteger();
        int helping = series < PARALLEL_SERIES ? 0 : Math.min(helperCount, pieces.size() - 1);
        List<Future<?>> running = new ArrayList<>(helping);
        for (int i = 0; i < helping; i++) {
            running.add(helpers.submit(() -> compressSome(format, pieces, next)));
        }
        for (int i = next.getAndIncrement(); i < pieces.size(); i = next.getAndIncrement()) {
            pieces.get(i).compress(format, writer, deflater);
            sender.sendReady();
        }
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

    /** A helper's work: takes pieces off {@code pieces} by {@code next} until none is left. */
    private void compressSome(SnapshotWriter format, List<Piece> pieces, AtomicInteger next) {
        try (SegmentDeflater deflater = new SegmentDeflater(level)) {
            Utf8Writer writer = writerTo(deflater);
            for (int i = next.getAndIncrement(); i < pieces.size(); i = next.getAndIncrement()) {
                pieces.get(i).compress(format, writer, deflater);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a segment deflater writes to memory only
        }
    }

    /**
     * The writer a thread renders its pieces with: the own metrics' {@code # EOF} line is dropped (the store's
     * families follow it; the scrape writes its own at the end), and nothing else writes that line.
     */
    private static Utf8Writer writerTo(SegmentDeflater deflater) {
        return new Utf8Writer(deflater, 1 << 16, EOF);
    }

    long cachedBytes() {
        return cache.bytes();
    }

    long cachedLabelBytes() {
        return cache.labelBytes();
    }

    /** A part of the scrape that any thread may render and compress, once. */
    private abstract static class Piece {
        /** Series to render: what the piece costs, about. */
        abstract int size();

        /** Renders the piece with {@code writer}, which writes to {@code deflater}, and keeps its segment. */
        abstract void compress(SnapshotWriter format, Utf8Writer writer, SegmentDeflater deflater) throws IOException;
    }

    /** The gateway's and the JVM's metrics, collected and compressed afresh. */
    private final class MetaPiece extends Piece {
        private final boolean openMetrics;
        volatile DeflateSegment segment;

        MetaPiece(boolean openMetrics) {
            this.openMetrics = openMetrics;
        }

        @Override
        int size() {
            return 0;
        }

        @Override
        void compress(SnapshotWriter format, Utf8Writer writer, SegmentDeflater deflater) throws IOException {
            ExpositionServlet.write(
                    openMetrics ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004,
                    writer,
                    Collections.list(meta.metricFamilySamples()));
            writer.flush();
            segment = deflater.endSegment(false);
        }
    }

    /** One changed chunk of a family. */
    private final class ChunkPiece extends Piece {
        private final FamilyParts parts;
        private final int chunk;
        private final ExposedChunk series;

        ChunkPiece(FamilyParts parts, int chunk, ExposedChunk series) {
            this.parts = parts;
            this.chunk = chunk;
            this.series = series;
        }

        @Override
        int size() {
            return series.size();
        }

        @Override
        void compress(SnapshotWriter format, Utf8Writer writer, SegmentDeflater deflater) throws IOException {
            FamilySnapshot snapshot = parts.snapshot();
            Family family = snapshot.family();
            if (snapshot.chunks() == 1) {
                format.header(family, writer);
            }
            // copied here, on the thread that renders
            List<SeriesSnapshot> copies = store.inText(series.snapshots());
            ChunkLabels labels = cache.labels(family, chunk, snapshot.chunks(), copies);
            format.all(family.type(), family.name(), copies, labels, writer);
            writer.flush();
            parts.set(chunk, deflater.endSegment(false));
        }
    }

    /**
     * Sends the scrape's segments in order as they are done (the scrape's thread only): the own metrics, then each
     * family's ({@link FamilyParts#sendReady}); keeps each changed family's rendering once it is sent.
     */
    private final class Sender {
        final GzipJoiner gzip;
        private final List<FamilyParts> families;
        private final boolean openMetrics;
        private MetaPiece meta;
        private int next;

        Sender(GzipJoiner gzip, MetaPiece meta, List<FamilyParts> families, boolean openMetrics) {
            this.gzip = gzip;
            this.meta = meta;
            this.families = families;
            this.openMetrics = openMetrics;
        }

        /** Sends every segment done whose predecessors are all sent. */
        void sendReady() throws IOException {
            if (meta != null) {
                DeflateSegment segment = meta.segment;
                if (segment == null) {
                    return;
                }
                gzip.append(segment);
                meta = null;
            }
            for (; next < families.size(); next++) {
                FamilyParts family = families.get(next);
                if (!family.sendReady(gzip)) {
                    return;
                }
                FamilySegmentCache.Rendering rendering = family.rendering();
                if (rendering != null) {
                    cache.put(family.snapshot().family(), openMetrics, rendering);
                }
            }
        }
    }
}
