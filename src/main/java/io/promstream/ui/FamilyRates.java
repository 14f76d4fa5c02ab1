package io.promstream.ui;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Each family's rate, per second: the growth of its total ({@code FamilyInspection.total}) since a listing the
 * console asked for at least {@link #MIN_SPAN_MILLIS} earlier. Only the console's own listings are kept (three at
 * most), so the first listing shows no rate and a page refreshing every few seconds shows one over the last tens of
 * seconds; a total that fell (a reset) shows none.
 */
final class FamilyRates {
    static final long MIN_SPAN_MILLIS = 5_000;
    private static final int KEPT = 3;

    private record Listing(long millis, Map<String, Double> totals) {}

    private final ArrayDeque<Listing> listings = new ArrayDeque<>();

    /** The rates of the families in {@code totals} (absent: not known yet); keeps this listing when due. */
    synchronized Map<String, Double> rates(Map<String, Double> totals, long nowMillis) {
        Listing base = null;
        for (Listing listing : listings) {
            if (nowMillis - listing.millis() >= MIN_SPAN_MILLIS) {
                base = listing; // the newest old enough
            }
        }
        Map<String, Double> out = new HashMap<>();
        if (base != null) {
            double seconds = (nowMillis - base.millis()) / 1000.0;
            for (Map.Entry<String, Double> e : totals.entrySet()) {
                Double before = base.totals().get(e.getKey());
                if (before != null && !e.getValue().isNaN() && e.getValue() >= before) {
                    out.put(e.getKey(), (e.getValue() - before) / seconds);
                }
            }
        }
        Listing newest = listings.peekLast();
        if (newest == null || nowMillis - newest.millis() >= MIN_SPAN_MILLIS) {
            listings.addLast(new Listing(nowMillis, Map.copyOf(totals)));
            if (listings.size() > KEPT) {
                listings.removeFirst();
            }
        }
        return out;
    }
}
