package io.promstream.parse;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/** The sparse buckets of one side of a {@link NativeHistogram}, in ascending index order. Not thread-safe. */
public final class NativeBuckets {
    private int[] indexes = new int[4];
    private long[] counts = new long[4];
    private int size;

    public int size() {
        return size;
    }

    public int index(int i) {
        return indexes[i];
    }

    public long count(int i) {
        return counts[i];
    }

    /** Adds {@code n} to the bucket of {@code index}, creating it. */
    public void add(int index, long n) {
        int at = Arrays.binarySearch(indexes, 0, size, index);
        if (at >= 0) {
            counts[at] += n;
            return;
        }
        at = -at - 1;
        if (size == indexes.length) {
            indexes = Arrays.copyOf(indexes, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        System.arraycopy(indexes, at, indexes, at + 1, size - at);
        System.arraycopy(counts, at, counts, at + 1, size - at);
        indexes[at] = index;
        counts[at] = n;
        size++;
    }

    long total() {
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += counts[i];
        }
        return total;
    }

    /** Keeps the buckets from {@code from} on (by position). */
    void dropFirst(int from) {
        System.arraycopy(indexes, from, indexes, 0, size - from);
        System.arraycopy(counts, from, counts, 0, size - from);
        size -= from;
    }

    void clear() {
        size = 0;
    }

    /** The same buckets at a schema {@code delta} coarser. */
    void reduce(int delta) {
        NativeBuckets coarser = new NativeBuckets();
        for (int i = 0; i < size; i++) {
            coarser.add(((indexes[i] - 1) >> delta) + 1, counts[i]);
        }
        indexes = coarser.indexes;
        counts = coarser.counts;
        size = coarser.size;
    }

    void copyFrom(NativeBuckets other) {
        indexes = Arrays.copyOf(other.indexes, Math.max(4, other.size));
        counts = Arrays.copyOf(other.counts, Math.max(4, other.size));
        size = other.size;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeInt(indexes[i]);
            out.writeLong(counts[i]);
        }
    }

    /** Reads what {@link #write} wrote into these (empty) buckets; {@link IOException} for damaged bytes. */
    void read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / 12) {
            throw new IOException("corrupt bucket count " + n);
        }
        for (int i = 0; i < n; i++) {
            int index = in.readInt();
            if (i > 0 && index <= indexes[size - 1]) {
                throw new IOException("bucket indexes out of order");
            }
            add(index, in.readLong());
        }
    }
}
