package io.promstream.store;

import java.util.Arrays;

/**
 * The keys a partition has applied once and must not apply again while they are kept (docs/semantics.md, OTLP:
 * counted once): each kept until its expiry, at most {@code limit} at a time (the oldest forgotten first when more
 * come). Kept in the order they came, so a checkpoint takes those added since the last one. About 40 bytes a key.
 * Thread-safe: one monitor per partition, taken only by the commands that carry keys.
 */
public final class SeenKeys {
    /** A ring of (key, expiry) in arrival order, numbered by {@code head..tail}, and a probe table of the keys. */
    private long[] ringKeys = new long[16];

    private long[] ringExpiries = new long[16];
    private long head;
    private long tail;
    /** Entries below this number were written by a checkpoint already. */
    private long taken;

    /** The probe table of the keys but 0, which marks an empty slot; whether 0 is kept stands apart. */
    private long[] table = new long[32];

    private boolean zero;
    private int limit;
    private long forgottenEarly;

    SeenKeys(int limit) {
        this.limit = Math.max(1, limit);
    }

    /** Changes how many keys may be kept at a time (the configuration's, set before the first key). */
    public synchronized void limit(int keys) {
        this.limit = Math.max(1, keys);
    }

    /**
     * Keeps {@code key} until {@code expiresAtMillis}; {@code false} (and nothing changes) when it is kept already.
     * Keys expired at {@code nowMillis} are forgotten first.
     */
    public synchronized boolean add(long key, long expiresAtMillis, long nowMillis) {
        expire(nowMillis);
        if (kept(key)) {
            return false;
        }
        while (tail - head >= limit) {
            forget();
            forgottenEarly++;
        }
        append(key, expiresAtMillis);
        return true;
    }

    /** Whether {@code key} is kept. */
    public synchronized boolean contains(long key) {
        return kept(key);
    }

    /** How many keys are kept. */
    public synchronized int size() {
        return (int) (tail - head);
    }

    /** How many keys were forgotten before their expiry because more than the limit came. */
    public synchronized long forgottenEarly() {
        return forgottenEarly;
    }

    /** What a checkpoint segment took: the keys and expiries, and where to go back to if it is not committed. */
    record Taken(long[] keys, long[] expiries, long from) {
        int size() {
            return keys.length;
        }
    }

    /** The keys added since the last take ({@code full}: every kept key), for a checkpoint segment. */
    synchronized Taken take(boolean full) {
        long from = full ? head : Math.max(taken, head);
        int n = (int) (tail - from);
        long[] keys = new long[n];
        long[] expiries = new long[n];
        for (int i = 0; i < n; i++) {
            int at = slot(from + i);
            keys[i] = ringKeys[at];
            expiries[i] = ringExpiries[at];
        }
        long before = taken;
        taken = tail;
        return new Taken(keys, expiries, full ? before : from);
    }

    /** The segment that took {@code t} was not committed: its keys are taken again by the next one. */
    synchronized void untake(Taken t) {
        taken = Math.min(taken, t.from());
    }

    /** Restores a key from a checkpoint (not yet expired at {@code nowMillis}); keys restored are not new. */
    synchronized void restore(long key, long expiresAtMillis, long nowMillis) {
        if (expiresAtMillis > nowMillis && add(key, expiresAtMillis, nowMillis)) {
            taken = tail;
        }
    }

    /** Forgets every key (a full checkpoint segment is read, or the partition is dropped). */
    synchronized void clear() {
        head = 0;
        tail = 0;
        taken = 0;
        zero = false;
        Arrays.fill(table, 0);
    }

    private void expire(long nowMillis) {
        while (tail > head && ringExpiries[slot(head)] <= nowMillis) {
            forget();
        }
    }

    private void forget() {
        long key = ringKeys[slot(head)];
        if (key == 0) {
            zero = false;
        } else {
            remove(key);
        }
        head++;
    }

    private boolean kept(long key) {
        return key == 0 ? zero : indexOf(key) >= 0;
    }

    private void append(long key, long expiresAtMillis) {
        if (tail - head == ringKeys.length) {
            growRing();
        }
        int at = slot(tail);
        ringKeys[at] = key;
        ringExpiries[at] = expiresAtMillis;
        tail++;
        if (key == 0) {
            zero = true;
            return;
        }
        if ((tail - head) * 2 > table.length) {
            rehash(table.length * 2);
        }
        insert(key);
    }

    private int slot(long n) {
        return (int) (n & (ringKeys.length - 1));
    }

    private void growRing() {
        int size = (int) (tail - head);
        long[] keys = new long[ringKeys.length * 2];
        long[] expiries = new long[ringKeys.length * 2];
        for (int i = 0; i < size; i++) {
            int at = slot(head + i);
            keys[i] = ringKeys[at];
            expiries[i] = ringExpiries[at];
        }
        long shift = head;
        ringKeys = keys;
        ringExpiries = expiries;
        head = 0;
        tail = size;
        taken = Math.max(0, taken - shift);
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private int indexOf(long key) {
        int mask = table.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (table[i] == key) {
                return i;
            }
            if (table[i] == 0) {
                return -1;
            }
        }
    }

    private void insert(long key) {
        int mask = table.length - 1;
        int i = hash(key) & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = key;
    }

    /** Removes a key from the probe table, shifting back the keys after it (linear probing without tombstones). */
    private void remove(long key) {
        int mask = table.length - 1;
        int gap = indexOf(key);
        if (gap < 0) {
            return;
        }
        table[gap] = 0;
        for (int i = (gap + 1) & mask; table[i] != 0; i = (i + 1) & mask) {
            int home = hash(table[i]) & mask;
            // move the key at i into the gap when its home is not in (gap, i] (cyclically)
            boolean stays = gap <= i ? gap < home && home <= i : gap < home || home <= i;
            if (!stays) {
                table[gap] = table[i];
                table[i] = 0;
                gap = i;
            }
        }
    }

    private void rehash(int size) {
        long[] old = table;
        table = new long[size];
        for (long key : old) {
            if (key != 0) {
                insert(key);
            }
        }
    }
}
