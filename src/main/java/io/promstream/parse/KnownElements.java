package io.promstream.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Elements seen before, matched on their raw bytes: a sender pushes the same series again and again with only
 * the number after {@code "value":} changed. An element whose bytes outside that number equal a known one's is
 * the known one's sample with a new value, so it needs neither the JSON parser nor a look-up of its series. An
 * element is known once the full path parsed and applied it, seen it twice, and confirmed where its one top-level
 * {@code "value"} number lies ({@link SampleParser#valueSpan}). Anything unusual (a value that is not a plain
 * JSON number, one the validator would refuse, a second {@code "value":}) takes the full path. One worker thread;
 * a fixed number of slots, in buckets of four, an element kept in one of two buckets.
 *
 * @param <T> what the caller keeps with a known element (where its sample goes)
 */
public final class KnownElements<T> {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] KEY = "\"value\":".getBytes(StandardCharsets.US_ASCII);
    /** Longer numbers take the full path. */
    private static final int MAX_NUMBER = 32;

    /**
     * A known element. Its sample is its own (taken from the parser's batch) and gets each match's value; its
     * owner is who may match it (a partition), its target what the caller kept with it.
     */
    public static final class Known<T> {
        final byte[] bytes;
        final int valueStart;
        final int valueEnd;
        final long hash;
        final Object owner;
        private final Sample sample;
        private final T target;

        Known(byte[] bytes, int valueStart, int valueEnd, long hash, Object owner, Sample sample, T target) {
            this.bytes = bytes;
            this.valueStart = valueStart;
            this.valueEnd = valueEnd;
            this.hash = hash;
            this.owner = owner;
            this.sample = sample;
            this.target = target;
        }

        public Sample sample() {
            return sample;
        }

        public T target() {
            return target;
        }
    }

    /** Slots per bucket; an element may be kept in either of two buckets. */
    private static final int WAYS = 4;

    private final Known<T>[] slots;
    /** The hash of each slot's known element (0: empty), scanned without touching the elements. */
    private final long[] knownHashes;
    /** Hashes of elements seen once, in buckets like the slots'. */
    private final long[] seen;

    private final int bucketMask;
    private int victim;
    /** Of the last {@link #match} that found a number after {@code "value":}; -1 otherwise. */
    private int lastStart = -1;

    private int lastEnd;
    private long lastHash;

    /** @param slots a power of two, at least 8 */
    @SuppressWarnings("unchecked")
    public KnownElements(int slots) {
        if (Integer.bitCount(slots) != 1 || slots < 2 * WAYS) {
            throw new IllegalArgumentException("slots must be a power of two of at least " + 2 * WAYS + ": " + slots);
        }
        this.slots = (Known<T>[]) new Known<?>[slots];
        this.knownHashes = new long[slots];
        this.seen = new long[slots];
        this.bucketMask = slots / WAYS - 1;
    }

    /**
     * The known element of this owner whose bytes equal {@code element}'s outside the value, its sample now
     * carrying {@code element}'s value; or {@code null}.
     */
    public Known<T> match(byte[] element, Object owner) {
        lastStart = -1;
        int key = indexOf(element, KEY);
        if (key < 0) {
            return null;
        }
        int start = key + KEY.length;
        while (start < element.length && element[start] == ' ') {
            start++;
        }
        int end = start;
        while (end < element.length && end - start <= MAX_NUMBER && isNumberByte(element[end])) {
            end++;
        }
        if (end == start || end - start > MAX_NUMBER) {
            return null;
        }
        long hash = hash(element, start, end);
        lastStart = start;
        lastEnd = end;
        lastHash = hash;
        int slot = find(knownHashes, hash);
        if (slot < 0) {
            return null;
        }
        Known<T> known = slots[slot];
        if (known.owner != owner
                || known.valueStart != start
                || known.bytes.length - known.valueEnd != element.length - end
                || !Arrays.equals(element, 0, start, known.bytes, 0, start)
                || !Arrays.equals(element, end, element.length, known.bytes, known.valueEnd, known.bytes.length)) {
            return null;
        }
        double value = JsonNumber.parse(element, start, end);
        if (Double.isNaN(value) || !SampleValidator.acceptsValue(known.sample.type(), value)) {
            return null;
        }
        known.sample.value(value);
        return known;
    }

    /**
     * Whether the element the last {@link #match} missed has been seen before (by its bytes outside the value),
     * noting it as seen: worth learning only then.
     */
    public boolean seenBefore() {
        if (lastStart < 0) {
            return false;
        }
        if (find(seen, lastHash) >= 0) {
            return true;
        }
        seen[place(seen, lastHash)] = lastHash;
        return false;
    }

    /**
     * Learns the element the last {@link #match} missed, applied whole by the full path as {@code sample}, when
     * {@code span} (from {@link SampleParser#valueSpan}) confirms the number {@link #match} found is its
     * top-level value.
     */
    public void learn(byte[] element, long span, Sample sample, Object owner, T target) {
        Objects.requireNonNull(target, "target");
        if (lastStart < 0
                || span != ((long) lastStart << 32 | lastEnd)
                || sample.aggregate() != null
                || sample.isNative()
                || sample.id() != null
                || sample.type() == null) {
            return;
        }
        int slot = find(knownHashes, lastHash);
        if (slot < 0) {
            slot = place(knownHashes, lastHash);
        }
        slots[slot] = new Known<>(element.clone(), lastStart, lastEnd, lastHash, owner, sample, target);
        knownHashes[slot] = lastHash;
    }

    /** The slot of {@code table} holding {@code hash}, in either of its two buckets, or -1. */
    private int find(long[] table, long hash) {
        int first = (int) hash & bucketMask;
        int second = (int) (hash >>> 32) & bucketMask;
        for (int i = 0; i < WAYS; i++) {
            if (table[first * WAYS + i] == hash) {
                return first * WAYS + i;
            }
        }
        for (int i = 0; i < WAYS; i++) {
            if (table[second * WAYS + i] == hash) {
                return second * WAYS + i;
            }
        }
        return -1;
    }

    /** A slot for a new {@code hash}: an empty one of its two buckets, else one of their eight in turn. */
    private int place(long[] table, long hash) {
        int first = ((int) hash & bucketMask) * WAYS;
        int second = ((int) (hash >>> 32) & bucketMask) * WAYS;
        for (int i = 0; i < WAYS; i++) {
            if (table[first + i] == 0) {
                return first + i;
            }
        }
        for (int i = 0; i < WAYS; i++) {
            if (table[second + i] == 0) {
                return second + i;
            }
        }
        victim = (victim + 1) % (2 * WAYS);
        return victim < WAYS ? first + victim : second + victim - WAYS;
    }

    /** The JSON number grammar's bytes. */
    private static boolean isNumberByte(byte b) {
        return b >= '0' && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
    }

    private static int indexOf(byte[] bytes, byte[] key) {
        outer:
        for (int i = 0, last = bytes.length - key.length; i <= last; i++) {
            if (bytes[i] != key[0]) {
                continue;
            }
            for (int j = 1; j < key.length; j++) {
                if (bytes[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A hash of the bytes before {@code start} and from {@code end} on, and of where the gap is; never 0. Its two
     * halves pick the two buckets an element may be kept in.
     */
    static long hash(byte[] bytes, int start, int end) {
        long h = 0x9E3779B97F4A7C15L * (start + 31L * (bytes.length - end));
        h = mix(h, bytes, 0, start);
        h = mix(h, bytes, end, bytes.length);
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    private static long mix(long seed, byte[] bytes, int from, int to) {
        long h = seed;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h = (h ^ (long) LONGS.get(bytes, i)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        for (; i < to; i++) {
            h = (h ^ bytes[i]) * 0x100000001B3L;
        }
        return h ^ (h >>> 32);
    }
}
