package io.promstream.store;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A partition's checkpoint as bytes (docs/semantics.md, Checkpoints). A checkpoint is a sequence of segments,
 * each {@code PSGC}, a format number, whether it is full, records, an end mark and a CRC-32 of the segment. A
 * full segment holds every series of the partition and makes what came before it moot; an incremental one holds
 * the series changed since the segment before it, and the series removed since then, and the keys of points applied
 * once ({@link SeenKeys}) added since then (a full one: every key kept). Records name their family
 * through a table written once per segment. A series is written with its labels under a number once, then by its
 * number alone until the next full segment ({@link CheckpointIds}). Reading checks every segment's checksum, then
 * replays the records in order into the partition: the last record of a series wins; a removal forgets it.
 *
 * <p>{@link #take} must run while no sample is being applied to the partition, so that a segment is a consistent
 * cut of what the partition's shard delivered (the caller pauses the shard). Resets and expiry may run
 * meanwhile: what they remove is recorded now or in the next segment.
 */
public final class CheckpointCodec {
    static final int MAGIC = 0x50534743; // "PSGC"
    static final int FORMAT = 1;
    /**
     * Record kinds: the end of a segment, a series' state (labels included), a series removed, a family's
     * definition, seen keys, a series' state under a new number, a series' state by its number alone.
     */
    static final int END = 0;

    static final int SERIES = 1;
    static final int REMOVED = 2;
    static final int FAMILY = 3;
    static final int SEEN = 4;
    static final int SERIES_ID = 5;
    static final int SERIES_REF = 6;

    private CheckpointCodec() {}

    /** A segment taken from a partition, and the series it took, to mark changed again if it is not committed. */
    public static final class Segment {
        private final byte[] bytes;
        private final boolean full;
        private final int series;
        private final int removals;
        private final List<Series> taken;
        private final Partition partition;
        private final SeenKeys.Taken seen;

        Segment(
                byte[] bytes,
                boolean full,
                int series,
                int removals,
                List<Series> taken,
                Partition partition,
                SeenKeys.Taken seen) {
            this.bytes = bytes;
            this.full = full;
            this.series = series;
            this.removals = removals;
            this.taken = taken;
            this.partition = partition;
            this.seen = seen;
        }

        public byte[] bytes() {
            return bytes;
        }

        public boolean isFull() {
            return full;
        }

        /** Series written. */
        public int series() {
            return series;
        }

        /** Removals written. */
        public int removals() {
            return removals;
        }

        /** Seen keys written. */
        public int seenKeys() {
            return seen.size();
        }

        /** Nothing changed since the last segment. */
        public boolean isEmpty() {
            return series == 0 && removals == 0 && seen.size() == 0 && !full;
        }

        /** The segment was not committed: what it took is changed again, for the next one to take. */
        public void abandon() {
            for (Series s : taken) {
                s.changedAgain();
            }
            partition.checkpointIds().abandon(taken);
            partition.seen().untake(seen);
        }
    }

    /**
     * Takes the partition's changes since the last segment, or everything it holds ({@code full}), as a segment.
     * No sample may be applied to the partition meanwhile.
     */
    public static Segment take(MetricStore store, Partition partition, boolean full) {
        try {
            List<Series> changed = partition.takeChanged();
            CheckpointWriter writer = new CheckpointWriter(full, partition.checkpointIds());
            if (full) {
                for (Family family : store.families()) {
                    for (Series s : family.seriesOf(partition)) {
                        writer.series(s, partition);
                    }
                }
            } else {
                int n = changed.size();
                for (int from = 0; from < n; from += Series.READ_AHEAD) { // scattered: read ahead
                    int to = Math.min(n, from + Series.READ_AHEAD);
                    Series.readAhead(changed, from, to);
                    for (int i = from; i < to; i++) {
                        writer.series(changed.get(i), partition);
                    }
                }
            }
            SeenKeys.Taken seen = partition.seen().take(full);
            writer.seen(seen);
            // a full segment that is not committed is followed by another full one: nothing to mark again
            return new Segment(
                    writer.finish(), full, writer.series, writer.removals, full ? List.of() : changed, partition, seen);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /** What reading a checkpoint found. */
    public record Loaded(int segments, int series, int refused, long bytes) {}

    /**
     * Reads the segments into the partition, which must be empty and take no samples yet. Series that cannot be
     * placed (their name is another type's in this store, say) are counted as refused.
     */
    public static Loaded load(MetricStore store, Partition partition, byte[] bytes) throws CorruptCheckpointException {
        int segments;
        try {
            segments = new CheckpointReader(bytes)
                    .readAll(CheckpointReader.Visitor.NONE); // every checksum first: damaged means nothing applied
        } catch (CorruptCheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException("unreadable checkpoint: " + e, e);
        }
        Restorer restorer = new Restorer(store, partition, bytes);
        try {
            new CheckpointReader(bytes).readAll(restorer);
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException("unreadable series in checkpoint: " + e, e);
        }
        return new Loaded(segments, store.restoring().restoredCount(partition), restorer.refused, bytes.length);
    }

    /**
     * Applies records straight into the partition as they come, so a load never holds more than the store it
     * builds, the bytes it reads and the labels of the numbered series: a later record of a series replaces the
     * one restored before, a removal removes it, a full segment clears what came before.
     */
    private static final class Restorer implements CheckpointReader.Visitor {
        private final MetricStore store;
        private final Partition partition;
        private final byte[] bytes;
        private final Map<LabelSet, Group> groups = new HashMap<>();
        private final SeriesCodec.Names names = new SeriesCodec.Names();
        /** The labels of the series numbered since the last full segment, by number. */
        private LabelSet[] numbered = new LabelSet[16];

        int refused;

        Restorer(MetricStore store, Partition partition, byte[] bytes) {
            this.store = store;
            this.partition = partition;
            this.bytes = bytes;
        }

        @Override
        public void full() {
            store.restoring().clearRestored(partition);
            partition.seen().clear();
            partition.checkpointIds().restart();
            groups.clear();
            Arrays.fill(numbered, null);
        }

        @Override
        public void seen(long key, long expiresAtMillis) {
            partition.seen().restore(key, expiresAtMillis, store.clock().millis());
        }

        @Override
        public void series(CheckpointReader.FamilyDef family, int id, int offset, int length) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
            LabelSet labels = SeriesCodec.readLabels(in, names);
            if (id != CheckpointIds.NONE) {
                if (id >= numbered.length) {
                    numbered = Arrays.copyOf(numbered, Math.max(numbered.length * 2, id + 1));
                }
                numbered[id] = labels;
            }
            restore(family, id, labels, in);
        }

        @Override
        public void numbered(CheckpointReader.FamilyDef family, int id, int offset, int length) throws IOException {
            restore(family, id, numbered[id], new DataInputStream(new ByteArrayInputStream(bytes, offset, length)));
        }

        private void restore(CheckpointReader.FamilyDef family, int id, LabelSet labels, DataInputStream in)
                throws IOException {
            Series series = SeriesCodec.readUnlabelled(in, family.type(), store, partition, groups, labels);
            if (series == null
                    || !store.restoring().restore(partition, family.name(), family.type(), family.help(), series)) {
                refused++;
            } else if (id != CheckpointIds.NONE) {
                partition.checkpointIds().restored(series, id);
            }
        }

        @Override
        public void removed(CheckpointReader.FamilyDef family, LabelSet labels) {
            store.restoring().unrestore(partition, family.name(), labels);
        }
    }
}
