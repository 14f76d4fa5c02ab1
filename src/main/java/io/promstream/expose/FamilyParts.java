package io.promstream.expose;

import io.promstream.store.FamilySnapshot;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A family's part of a gzip scrape being made ({@link GzipExposition}): the kept segments of its unchanged chunks,
 * and those of its changed chunks as the threads that compress them set them. Sent in order by the scrape's thread.
 */
final class FamilyParts {
    private final FamilySnapshot snapshot;
    private final FamilySegmentCache.Rendering kept;
    /** The family's header when it is in chunks and changed, else {@code null} (a kept rendering has its own). */
    private final DeflateSegment header;

    private final AtomicReferenceArray<DeflateSegment> parts;
    /** The scrape's thread's: the next part to send, and whether the header went before an earlier one. */
    private int sent;

    private boolean headerSent;

    FamilyParts(FamilySnapshot snapshot, FamilySegmentCache.Rendering kept, DeflateSegment header) {
        this.snapshot = snapshot;
        this.kept = kept;
        this.header = header;
        this.parts = new AtomicReferenceArray<>(snapshot.chunks());
    }

    FamilySnapshot snapshot() {
        return snapshot;
    }

    /** The segment of a chunk, done. */
    void set(int chunk, DeflateSegment segment) {
        parts.set(chunk, segment);
    }

    /**
     * Sends the parts done, in order, from where the last call stopped: the header before the first part that holds
     * anything (nothing at all for a family that shows nothing). Whether every part is sent.
     */
    boolean sendReady(GzipJoiner gzip) throws IOException {
        if (snapshot.unchanged()) {
            send(kept, gzip);
            return true;
        }
        for (; sent < parts.length(); sent++) {
            DeflateSegment part = parts.get(sent);
            if (part == null) {
                return false;
            }
            if (part.length() > 0 && !headerSent && header != null) {
                gzip.append(header);
            }
            headerSent |= part.length() > 0;
            gzip.append(part);
        }
        return true;
    }

    /** What to keep for the next scrape, once every part is sent: {@code null} when nothing changed. */
    FamilySegmentCache.Rendering rendering() {
        if (snapshot.unchanged()) {
            return null;
        }
        DeflateSegment[] done = new DeflateSegment[parts.length()];
        for (int c = 0; c < done.length; c++) {
            done[c] = parts.get(c);
        }
        return new FamilySegmentCache.Rendering(snapshot.versions(), header, done);
    }

    private static void send(FamilySegmentCache.Rendering rendering, GzipJoiner gzip) throws IOException {
        if (rendering.isEmpty()) {
            return;
        }
        if (rendering.header() != null) {
            gzip.append(rendering.header());
        }
        for (DeflateSegment part : rendering.parts()) {
            gzip.append(part);
        }
    }
}
