package io.promstream.parse;

import java.util.Arrays;

/**
 * A reusable, growable list of numbers that may also be absent (a sample that names no buckets, say): the
 * buckets, quantiles and epsilons of a {@link Sample}.
 */
public final class Doubles {
    private double[] values;
    private int size = -1;

    Doubles(int capacity) {
        this.values = new double[capacity];
    }

    /** Absent again. */
    void clear() {
        size = -1;
    }

    /** Present and empty. */
    void start() {
        size = 0;
    }

    void add(double value) {
        if (size < 0) {
            size = 0;
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    void set(double... given) {
        start();
        for (double v : given) {
            add(v);
        }
    }

    /** Whether the sample named these at all. */
    public boolean isPresent() {
        return size >= 0;
    }

    /** How many there are; -1 when absent. */
    public int size() {
        return size;
    }

    public double get(int i) {
        return values[i];
    }

    /** The backing array; only the first {@link #size()} entries are meaningful. */
    public double[] array() {
        return values;
    }

    /** A copy of the present values. */
    public double[] toArray() {
        return Arrays.copyOf(values, Math.max(0, size));
    }

    /** Whether these are exactly {@code other}. */
    public boolean sameAs(double[] other) {
        return Arrays.equals(values, 0, Math.max(0, size), other, 0, other.length);
    }

    @Override
    public String toString() {
        return size < 0 ? "-" : Arrays.toString(toArray());
    }
}
