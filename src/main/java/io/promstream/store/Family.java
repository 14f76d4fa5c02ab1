package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.Sample;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * All series of one metric name. The type is fixed at creation. Series are found without locking; a new
 * series is added under the family's {@link #lock} so that it can never land in a family that was just
 * retired, and so that a push checked whole can keep others from creating series in it until it is applied.
 */
public final class Family {
    private final String name;
    private final MetricType type;
    private final List<String> exposedNames;
    private final AtomicReference<String> help = new AtomicReference<>();
    private final SharedLabelNames labelNames = new SharedLabelNames();
    final ConcurrentHashMap<Object, Series> series = new ConcurrentHashMap<>();
    /** Held to add a series or retire the family. */
    final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}, read without it on the hot path. */
    private volatile boolean retired;
    /** Whether a series of one partition was ever added where another partition's holds the labels' main key. */
    private volatile boolean hasStrays;
    /**
     * The chunks changed since a scrape last took them: bit {@code i} for chunk {@code i} of {@link #chunks}
     * ({@link #chunkOf}). Set by every change a scrape could show, a bit written only when clear; cleared by
     * {@link #exposedVersions}.
     */
    private volatile long changedChunks = -1L;

    private static final VarHandle CHANGED_CHUNKS;

    static {
        try {
            CHANGED_CHUNKS = MethodHandles.lookup().findVarHandle(Family.class, "changedChunks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How many chunks the change marks are kept for; set by scrapes. */
    private volatile int chunks = 1;
    /** A number per chunk, and the last number given out: guarded by {@link #exposedLock}, which only scrapes take. */
    private long[] exposedVersions = {0};

    private long lastVersion;
    private long lastVisibility = -1;
    private final Object exposedLock = new Object();
    /** A family is split into chunks of about this many series, for scrapes that keep what they rendered. */
    public static final int CHUNK_SERIES = 1024;

    public static final int MAX_CHUNKS = 64;

    Family(String name, MetricType type, List<String> exposedNames) {
        this.name = name;
        this.type = type;
        this.exposedNames = exposedNames;
    }

    /** Family name: for counters without the {@code _total} suffix that the exposed samples carry. */
    public String name() {
        return name;
    }

    public MetricType type() {
        return type;
    }

    /** Every sample name this family can expose, plus the family name itself. */
    List<String> exposedNames() {
        return exposedNames;
    }

    /** The first non-empty help text seen, or {@code null}. */
    public String help() {
        return help.get();
    }

    void offerHelp(String text) {
        if (text != null && !text.isEmpty() && help.get() == null && help.compareAndSet(null, text)) {
            exposedChanged();
        }
    }

    /** Notes a change a scrape could show in every chunk (the help text, a series restored). */
    void exposedChanged() {
        mark(-1L);
    }

    /** Notes a change a scrape could show in the chunk of a series: its value, the series added or removed. */
    void exposedChanged(LabelSet labels) {
        mark(1L << chunkOf(labels.hashCode(), chunks));
    }

    private void mark(long bits) {
        long current = changedChunks;
        while ((current & bits) != bits) {
            if (CHANGED_CHUNKS.compareAndSet(this, current, current | bits)) {
                return;
            }
            current = changedChunks;
        }
    }

    /** The chunk, of {@code chunks} (a power of two), of the series whose labels have this hash. */
    public static int chunkOf(int labelsHash, int chunks) {
        return (labelsHash ^ (labelsHash >>> 16)) & (chunks - 1);
    }

    /** The number of chunks a scrape splits a family of {@code size} series into: a power of two. */
    public static int chunksFor(int size) {
        return size < 2 * CHUNK_SERIES ? 1 : Math.min(MAX_CHUNKS, Integer.highestOneBit(size / CHUNK_SERIES));
    }

    /**
     * A number per chunk (of {@code count}, a power of two up to {@link #MAX_CHUNKS}) that changes whenever what a
     * scrape shows of that chunk may have changed: equal numbers from two calls mean no change was noted between
     * them. What a caller reads of the family after this call includes every change noted before it; a later
     * change makes the next call answer a larger number for its chunk. Another count or {@code visibility} (of the
     * partitions, {@link Partitions#visibility}) than the last call's changes every number. Only scrapes call it;
     * ingestion never waits for it.
     *
     * @return the numbers, a copy
     */
    long[] exposedVersions(int count, long visibility) {
        synchronized (exposedLock) {
            if (count != chunks || count != exposedVersions.length || visibility != lastVisibility) {
                chunks = count; // before the marks are taken: a writer that still saw the old count is seen below
                lastVisibility = visibility;
                if (exposedVersions.length != count) {
                    exposedVersions = new long[count];
                }
                mark(-1L);
            }
            long taken = (long) CHANGED_CHUNKS.getAndSet(this, 0L);
            boolean beyond = count < 64 && (taken & (-1L << count)) != 0; // marked by the count before: all
            for (int i = 0; i < count; i++) {
                if (beyond || (taken & (1L << i)) != 0) {
                    exposedVersions[i] = ++lastVersion; // never a number given out before, whatever the count
                }
            }
            return exposedVersions.clone();
        }
    }

    public int size() {
        return series.size();
    }

    boolean isRetired() {
        return retired;
    }

    /**
     * The labels of a new series of this family, its label names in an array shared with the family's other
     * series of the same names ({@link SharedLabelNames}).
     */
    LabelSet labelsOf(Sample sample) {
        return labelNames.labelsOf(sample);
    }

    /** Whether some series are strays (keyed by partition as well): a scrape then merges by labels. */
    boolean hasStrays() {
        return hasStrays;
    }

    /**
     * The partition's series of the sample's labels, or {@code null}. {@code probe} finds the main key without
     * copying the labels; they are only copied for a stray look-up.
     */
    Series find(Object probe, Partition partition, Sample sample) {
        Series main = series.get(probe);
        if (main != null && main.partition() == partition) {
            return main;
        }
        return hasStrays ? series.get(new StrayKey(partition.id(), LabelSet.of(sample))) : null;
    }

    /** {@link #find(Object, Partition, Sample)} for labels at hand. */
    Series find(LabelSet labels, Partition partition) {
        Series main = series.get(labels);
        if (main != null && main.partition() == partition) {
            return main;
        }
        return hasStrays ? series.get(new StrayKey(partition.id(), labels)) : null;
    }

    /**
     * Adds {@code created} to the partition unless the family was retired meanwhile ({@code null}) or the
     * partition has a series of these labels already (returned instead). It takes the labels' main key when it is
     * free, else it is a stray keyed by its partition too.
     */
    Series add(LabelSet labels, Partition partition, Series created) {
        lock.lock();
        try {
            if (retired) {
                return null;
            }
            return insert(labels, partition, created);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #add} for a caller that holds the lock, with the family live. */
    Series insert(LabelSet labels, Partition partition, Series created) {
        StrayKey strayKey = hasStrays ? new StrayKey(partition.id(), labels) : null;
        Series stray = strayKey == null ? null : series.get(strayKey);
        if (stray != null) {
            return stray;
        }
        Series main = series.get(labels);
        if (main == null) {
            created.home(this, partition, false, true);
            series.put(labels, created);
            return created;
        }
        if (main.partition() == partition) {
            return main;
        }
        created.home(this, partition, true, true);
        hasStrays = true;
        series.put(strayKey != null ? strayKey : new StrayKey(partition.id(), labels), created);
        return created;
    }

    /** Restores a series read from a checkpoint into its partition; {@code false} when it has one of those labels. */
    boolean restore(Series restored, Partition partition) {
        lock.lock();
        try {
            Series main = series.get(restored.labels());
            if (main == null) {
                restored.home(this, partition, false, false);
                series.put(restored.labels(), restored);
                exposedChanged();
                return true;
            }
            if (main.partition() == partition) {
                return false;
            }
            StrayKey key = new StrayKey(partition.id(), restored.labels());
            if (series.containsKey(key)) {
                return false;
            }
            restored.home(this, partition, true, false);
            hasStrays = true;
            series.put(key, restored);
            exposedChanged();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Retires the family if it holds no series; a retired family accepts no new series. */
    boolean retireIfEmpty() {
        lock.lock();
        try {
            if (series.isEmpty()) {
                retired = true;
            }
            return retired;
        } finally {
            lock.unlock();
        }
    }
}
