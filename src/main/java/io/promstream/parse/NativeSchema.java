package io.promstream.parse;

import java.util.Arrays;

/**
 * The buckets of a native histogram's schema: bucket {@code i} of schema {@code s} holds the values in
 * {@code (2^((i-1)·2^-s), 2^(i·2^-s)]}, computed as client_golang computes them (frexp and a table of bounds per
 * schema, so that a value on a bound lands where Prometheus' clients put it).
 */
final class NativeSchema {
    /** Per schema above 0, the fractions (of frexp) at which its buckets end within one power of two. */
    private static final double[][] BOUNDS = bounds();

    private NativeSchema() {}

    /** The bucket of a value above 0 at {@code schema}, as client_golang computes it (±Inf in the bucket past the last). */
    static int indexOf(double v, int schema) {
        boolean inf = Double.isInfinite(v);
        double x = inf ? Double.MAX_VALUE : v;
        int exp;
        double frac;
        if (x < Double.MIN_NORMAL) {
            int e = Math.getExponent(x * 0x1p54) + 1;
            exp = e - 54;
            frac = Math.scalb(x * 0x1p54, -e);
        } else {
            exp = Math.getExponent(x) + 1;
            frac = Math.scalb(x, -exp);
        }
        int key;
        if (schema > 0) {
            double[] bounds = BOUNDS[schema];
            int at = Arrays.binarySearch(bounds, frac);
            if (at < 0) {
                at = -at - 1;
            } else {
                while (at > 0 && bounds[at - 1] == frac) {
                    at--;
                }
            }
            key = at + (exp - 1) * bounds.length;
        } else {
            key = exp;
            if (frac == 0.5) {
                key--;
            }
            int div = 1 << -schema;
            key = Math.floorDiv(key + div - 1, div);
        }
        return inf ? key + 1 : key;
    }

    /** The upper bound of bucket {@code index} at {@code schema}: {@code 2^(index·2^-schema)}. */
    static double upperBound(int index, int schema) {
        if (schema <= 0) {
            return Math.scalb(1.0, index << -schema);
        }
        int perPowerOfTwo = 1 << schema;
        int frac = index & (perPowerOfTwo - 1);
        int exp = (index >> schema) + 1;
        return Math.scalb(BOUNDS[schema][frac], exp);
    }

    private static double[][] bounds() {
        double[][] out = new double[NativeHistogram.MAX_SCHEMA + 1][];
        int n = 1;
        for (int s = 0; s <= NativeHistogram.MAX_SCHEMA; s++) {
            double[] b = new double[n];
            b[0] = 0.5;
            double factor = Math.pow(2, Math.pow(2, -s));
            for (int j = 0; j < n - 1; j++) {
                b[j + 1] = (j + 1) % 2 == 0 ? out[s - 1][j / 2 + 1] : b[j] * factor;
            }
            out[s] = b;
            n *= 2;
        }
        return out;
    }

    /** A native histogram as a classic one (see {@link NativeHistogram#classicBounds}). */
    record Classic(double[] bounds, long[] counts) {}

    static Classic classic(NativeHistogram h) {
        int n = h.negative().size() + 1 + h.positive().size();
        double[] bounds = new double[n];
        long[] counts = new long[n + 1];
        int at = 0;
        long running = 0;
        for (int k = 0; k < n; k++) {
            double bound;
            long add;
            if (k < h.negative().size()) {
                int i = h.negative().size() - 1 - k;
                bound = -upperBound(h.negative().index(i) - 1, h.schema());
                add = h.negative().count(i);
            } else if (k == h.negative().size()) {
                bound = h.zeroThreshold();
                add = h.zeroCount();
            } else {
                int i = k - h.negative().size() - 1;
                bound = upperBound(h.positive().index(i), h.schema());
                add = h.positive().count(i);
            }
            running += add;
            if (Double.isInfinite(bound)) {
                continue; // -Inf: counted at the next bound; +Inf: in the count
            }
            if (at > 0 && bound <= bounds[at - 1]) {
                counts[at - 1] = running; // inside the bucket before: counted there
                continue;
            }
            bounds[at] = bound;
            counts[at++] = running;
        }
        counts[at] = h.count();
        return new Classic(Arrays.copyOf(bounds, at), Arrays.copyOf(counts, at + 1));
    }
}
