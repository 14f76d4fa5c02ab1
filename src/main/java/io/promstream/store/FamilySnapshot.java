package io.promstream.store;

/**
 * What a scrape shows of a family at one instant ({@link MetricStore#snapshot}): a version per chunk, and the
 * series of the chunks whose version the caller did not know. Equal versions of a chunk from two snapshots mean
 * the scrape shows the same of it: no series of it changed, came or went, and the visible partitions and the
 * chunk count are the same. A version is never given out twice for a family.
 */
public final class FamilySnapshot {
    private final Family family;
    private final long[] versions;
    private final ExposedChunk[] fresh;

    FamilySnapshot(Family family, long[] versions, ExposedChunk[] fresh) {
        this.family = family;
        this.versions = versions;
        this.fresh = fresh;
    }

    public Family family() {
        return family;
    }

    /** The number of chunks (a power of two): each series is in chunk {@link ChunkVersions#chunkOf} of its labels. */
    public int chunks() {
        return versions.length;
    }

    /** Every chunk's version, a copy: what a caller keeps to pass as {@code known} next time. */
    public long[] versions() {
        return versions.clone();
    }

    /** The chunk's series, to be copied by the caller; {@code null} when the caller knew its version. */
    public ExposedChunk fresh(int chunk) {
        return fresh[chunk];
    }

    /** Whether the caller knew every chunk's version: nothing shown changed. */
    public boolean unchanged() {
        for (ExposedChunk chunk : fresh) {
            if (chunk != null) {
                return false;
            }
        }
        return true;
    }
}
