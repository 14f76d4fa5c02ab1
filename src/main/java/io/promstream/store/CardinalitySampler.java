package io.promstream.store;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples each family's series count ({@link Family#size}) when run, periodically, and keeps the top families by
 * series count and by growth over a window for status pages and meta metrics to read ({@link #latest}). Growth is
 * the count now minus the count at the newest sample at least the window old (else the oldest kept). The history
 * is bounded: at most {@link #SLOTS} samples per window, each of at most {@link #TRACKED} families (the largest).
 */
public final class CardinalitySampler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CardinalitySampler.class);

    /** The most families a kept sample counts: the largest ones. */
    static final int TRACKED = 1000;
    /** The most samples kept per window: one is kept when a tenth of the window has passed since the last one. */
    static final int SLOTS = 10;

    /** A family and its series. */
    public record FamilySeries(String name, int series) {}

    /** A family, its series, and how many more it has than {@code windowSeconds} ago. */
    public record FamilyGrowth(String name, int series, int growth, long windowSeconds) {}

    /** The top families at the last sample (epoch millis; 0 before the first). */
    public record Top(long sampledAtMillis, List<FamilySeries> bySeries, List<FamilyGrowth> byGrowth) {
        public static final Top NONE = new Top(0, List.of(), List.of());
    }

    /** Counts kept at a time; a family not among them had at most {@code floor} series (0: it had none). */
    private record Kept(long atMillis, Map<String, Integer> counts, int floor) {}

    private static final Comparator<FamilySeries> LARGEST_FIRST =
            Comparator.comparingInt(FamilySeries::series).reversed().thenComparing(FamilySeries::name);
    private static final Comparator<FamilyGrowth> FASTEST_FIRST =
            Comparator.comparingInt(FamilyGrowth::growth).reversed().thenComparing(FamilyGrowth::name);

    private final MetricStore store;
    private final InstantSource clock;
    private final long windowMillis;
    private final int top;
    /** Oldest first; touched only by {@link #sample}. */
    private final ArrayDeque<Kept> history = new ArrayDeque<>();

    private volatile Top latest = Top.NONE;

    /** Keeps the {@code top} families of each list, their growth over {@code windowMillis}. */
    public CardinalitySampler(MetricStore store, InstantSource clock, long windowMillis, int top) {
        this.store = store;
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.top = top;
    }

    /** The top families at the last sample; cheap, for every scrape. */
    public Top latest() {
        return latest;
    }

    @Override
    public void run() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.error("Sampling the families' series counts failed; will retry", e); // keep the task scheduled
        }
    }

    /** Counts each family's series now, publishes the top lists, and keeps the counts in the history. */
    public synchronized void sample() {
        long now = clock.millis();
        List<FamilySeries> all = new ArrayList<>();
        for (Family family : store.families()) {
            int size = family.size();
            if (size > 0) {
                all.add(new FamilySeries(family.name(), size));
            }
        }
        all.sort(LARGEST_FIRST);
        Kept base = baseline(now);
        latest = new Top(now, List.copyOf(all.subList(0, Math.min(top, all.size()))), growth(all, base, now));
        keep(now, all);
    }

    /** The newest kept sample at least the window old, else the oldest; {@code null} when none is. */
    private Kept baseline(long now) {
        while (history.size() > 1 && now - secondOldest().atMillis() >= windowMillis) {
            history.removeFirst();
        }
        return history.peekFirst();
    }

    private Kept secondOldest() {
        var it = history.iterator();
        it.next();
        return it.next();
    }

    private List<FamilyGrowth> growth(List<FamilySeries> all, Kept base, long now) {
        if (base == null || base.atMillis() >= now) {
            return List.of();
        }
        long seconds = (now - base.atMillis()) / 1000;
        List<FamilyGrowth> out = new ArrayList<>();
        for (FamilySeries family : all) {
            int growth = family.series() - base.counts().getOrDefault(family.name(), base.floor());
            if (growth > 0) {
                out.add(new FamilyGrowth(family.name(), family.series(), growth, seconds));
            }
        }
        out.sort(FASTEST_FIRST);
        return List.copyOf(out.subList(0, Math.min(top, out.size())));
    }

    /** Keeps the largest families' counts when a tenth of the window has passed since the last kept sample. */
    private void keep(long now, List<FamilySeries> largestFirst) {
        Kept last = history.peekLast();
        if (last != null && now - last.atMillis() < windowMillis / SLOTS) {
            return;
        }
        int kept = Math.min(TRACKED, largestFirst.size());
        Map<String, Integer> counts = new HashMap<>(kept * 2);
        for (FamilySeries family : largestFirst.subList(0, kept)) {
            counts.put(family.name(), family.series());
        }
        int floor = kept < largestFirst.size() ? largestFirst.get(kept - 1).series() : 0;
        history.addLast(new Kept(now, counts, floor));
        while (history.size() > SLOTS + 2) {
            history.removeFirst();
        }
    }
}
