package io.promstream.store;

import io.promstream.parse.MetricType;
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
    final ConcurrentHashMap<Object, Series> series = new ConcurrentHashMap<>();
    /** Held to add a series or retire the family. */
    final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}, read without it on the hot path. */
    private volatile boolean retired;

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
        if (text != null && !text.isEmpty() && help.get() == null) {
            help.compareAndSet(null, text);
        }
    }

    public int size() {
        return series.size();
    }

    boolean isRetired() {
        return retired;
    }

    /** Adds {@code created} unless the family was retired meanwhile; returns what is now in the map. */
    Series add(LabelSet labels, Series created) {
        lock.lock();
        try {
            if (retired) {
                return null;
            }
            Series raced = series.putIfAbsent(labels, created);
            return raced != null ? raced : created;
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
