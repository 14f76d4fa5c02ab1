package io.promstream.ui;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The last hour of the gateway's activity, a minute a point, for the console's charts: the samples applied and
 * rejected (by reason) in each minute, and the backlog at its end. {@link #record} reads the running totals (from
 * counters that exist anyway); called every few seconds, it keeps the current minute's point up to date and starts
 * a new one when the clock enters the next minute. Nothing here runs on a scrape or per sample. Thread-safe.
 */
public final class ActivityHistory {
    /** Minutes kept. */
    static final int MINUTES = 60;

    private static final long MINUTE = 60_000;

    /** Running totals at one moment: samples applied, rejections by reason (in reason order), the backlog (-1: unknown). */
    public record Reading(long processed, long[] rejected, long backlog) {}

    /**
     * One minute: its start (Unix millis), what was applied and rejected in it (by reason), and the backlog at the
     * last reading in it (-1: unknown).
     */
    public record Minute(long startMillis, long processed, long[] rejected, long backlog) {}

    /** A kept minute: its start, the totals it started from, the backlog at its latest reading. */
    private record Slot(long minute, long[] from, long backlog) {}

    private final InstantSource clock;
    private final Supplier<Reading> totals;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private Reading latest;

    public ActivityHistory(InstantSource clock, Supplier<Reading> totals) {
        this.clock = clock;
        this.totals = totals;
    }

    /** Reads the totals now; never throws, so a scheduled executor keeps running it. */
    public void record() {
        Reading reading;
        try {
            reading = totals.get();
        } catch (RuntimeException e) {
            return; // the totals are read from memory; a failure leaves the history as it was
        }
        long minute = Math.floorDiv(clock.millis(), MINUTE) * MINUTE;
        synchronized (this) {
            Slot last = slots.peekLast();
            if (last == null || last.minute() != minute) {
                slots.addLast(new Slot(minute, flat(latest == null ? reading : latest), reading.backlog()));
                if (slots.size() > MINUTES) {
                    slots.removeFirst();
                }
            } else {
                slots.removeLast();
                slots.addLast(new Slot(minute, last.from(), reading.backlog()));
            }
            latest = reading;
        }
    }

    /** The kept minutes, oldest first; the last one is the minute going on. */
    public synchronized List<Minute> minutes() {
        List<Minute> out = new ArrayList<>();
        List<Slot> kept = new ArrayList<>(slots);
        for (int i = 0; i < kept.size(); i++) {
            long[] from = kept.get(i).from();
            long[] to = i + 1 < kept.size() ? kept.get(i + 1).from() : flat(latest);
            long[] rejected = new long[from.length - 1];
            for (int r = 0; r < rejected.length; r++) {
                rejected[r] = Math.max(0, to[r + 1] - from[r + 1]);
            }
            out.add(new Minute(
                    kept.get(i).minute(),
                    Math.max(0, to[0] - from[0]),
                    rejected,
                    kept.get(i).backlog()));
        }
        return out;
    }

    /** The processed total, then the rejections by reason, in one array. */
    private static long[] flat(Reading reading) {
        long[] out = new long[reading.rejected().length + 1];
        out[0] = reading.processed();
        System.arraycopy(reading.rejected(), 0, out, 1, reading.rejected().length);
        return out;
    }
}
