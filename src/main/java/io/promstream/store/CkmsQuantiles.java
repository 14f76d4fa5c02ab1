package io.promstream.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Targeted-quantile sketch after Cormode, Korn, Muthukrishnan and Srivastava, "Effective Computation of
 * Biased Quantiles over Data Streams" (ICDE 2005): for every target (phi, epsilon) the returned value's rank
 * lies within epsilon * n of phi * n. Values arrive in sorted runs (see {@link QuantileWindow}); the sketch
 * keeps them in three parallel arrays. Not thread-safe.
 */
final class CkmsQuantiles {
    private final double[] phis;
    private final double[] epsilons;
    private final double[] upper; // 2 * eps / phi, used for ranks at or above phi * n
    private final double[] lower; // 2 * eps / (1 - phi), used for ranks below phi * n

    private double[] values = new double[0];
    private int[] g = new int[0];
    private int[] delta = new int[0];
    private int size;
    private long n;

    CkmsQuantiles(double[] phis, double[] epsilons) {
        this.phis = phis;
        this.epsilons = epsilons;
        this.upper = new double[phis.length];
        this.lower = new double[phis.length];
        for (int i = 0; i < phis.length; i++) {
            upper[i] = 2 * epsilons[i] / phis[i];
            lower[i] = 2 * epsilons[i] / (1 - phis[i]);
        }
    }

    double[] epsilons() {
        return epsilons;
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeLong(n);
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeDouble(values[i]);
            out.writeInt(g[i]);
            out.writeInt(delta[i]);
        }
    }

    void readFrom(DataInputStream in) throws IOException {
        n = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > 10_000_000) {
            throw new IOException("corrupt quantile sketch");
        }
        values = new double[count];
        g = new int[count];
        delta = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.readDouble();
            g[i] = in.readInt();
            delta[i] = in.readInt();
        }
        size = count;
    }

    long count() {
        return n;
    }

    int retained() {
        return size;
    }

    void clear() {
        values = new double[0];
        g = new int[0];
        delta = new int[0];
        size = 0;
        n = 0;
    }

    /** The allowed error (in ranks) at rank {@code r}: the tightest of all targets. */
    private double allowed(double r) {
        double min = Double.MAX_VALUE;
        for (int j = 0; j < phis.length; j++) {
            double error = r < phis[j] * n ? lower[j] * (n - r) : upper[j] * r;
            if (error < min) {
                min = error;
            }
        }
        return min;
    }

    /** Merges {@code sorted[0, count)}, which must be sorted ascending, into the sketch. */
    void insertSorted(double[] sorted, int count) {
        if (count == 0) {
            return;
        }
        int total = size + count;
        double[] newValues = new double[total];
        int[] newG = new int[total];
        int[] newDelta = new int[total];
        int i = 0;
        int out = 0;
        long rank = 0;
        for (int k = 0; k < count; k++) {
            double x = sorted[k];
            while (i < size && values[i] <= x) {
                newValues[out] = values[i];
                newG[out] = g[i];
                newDelta[out] = delta[i];
                rank += g[i];
                out++;
                i++;
            }
            n++;
            newValues[out] = x;
            newG[out] = 1;
            // the new minimum or maximum is known exactly; anything between inherits the allowed error
            newDelta[out] = (out == 0 || i == size) ? 0 : Math.max(0, (int) Math.floor(allowed(rank)) - 1);
            rank += 1;
            out++;
        }
        while (i < size) {
            newValues[out] = values[i];
            newG[out] = g[i];
            newDelta[out] = delta[i];
            out++;
            i++;
        }
        values = newValues;
        g = newG;
        delta = newDelta;
        size = total;
        compress();
    }

    /** Merges neighbours whose combined uncertainty stays within the allowed error; keeps min and max. */
    private void compress() {
        if (size < 3) {
            return;
        }
        int w = 0;
        long rankBeforeW = 0;
        for (int i = 1; i < size; i++) {
            boolean interior = w > 0 && i < size - 1;
            if (interior && g[w] + g[i] + delta[i] <= allowed(rankBeforeW)) {
                g[i] += g[w];
                values[w] = values[i];
                g[w] = g[i];
                delta[w] = delta[i];
            } else {
                rankBeforeW += g[w];
                w++;
                values[w] = values[i];
                g[w] = g[i];
                delta[w] = delta[i];
            }
        }
        size = w + 1;
        if (values.length > 2 * size + 16) {
            values = Arrays.copyOf(values, size);
            g = Arrays.copyOf(g, size);
            delta = Arrays.copyOf(delta, size);
        }
    }

    /** The estimate for quantile {@code phi}, or NaN when nothing was observed. */
    double get(double phi) {
        if (size == 0) {
            return Double.NaN;
        }
        double desired = phi * n;
        double bound = desired + allowed(desired) / 2;
        long rank = 0;
        for (int i = 0; i < size; i++) {
            if (rank + g[i] + delta[i] > bound) {
                return values[Math.max(0, i - 1)];
            }
            rank += g[i];
        }
        return values[size - 1];
    }
}
