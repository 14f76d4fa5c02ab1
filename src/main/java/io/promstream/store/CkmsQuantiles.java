package io.promstream.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Targeted-quantile sketch after Cormode, Korn, Muthukrishnan and Srivastava (ICDE 2005), with the rank bounds of
 * Greenwald and Khanna: tuple i holds a value, g (its rmin less the previous tuple's) and delta (rmax - rmin). For
 * every target (phi, epsilon), {@link #get} returns an observed value whose rank lies within epsilon * n of phi * n
 * whenever some rank does (else the next rank up). Values arrive in sorted runs (see {@link QuantileWindow}). Not
 * thread-safe.
 */
final class CkmsQuantiles {
    private final double[] phis;
    private final double[] epsilons;
    private final double[] upper; // 2 * eps / phi
    private final double[] lower; // 2 * eps / (1 - phi)

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

    // Contract: each tuple's true rank lies in [rmin, rmax], and each neighbouring pair spans rmax(i) - rmin(i-1) =
    // g[i] + delta[i] <= max(1, allowed(rmin(i-1), rmax(i))), so no pair can straddle phi * n +- epsilon * n.
    /**
     * The least over ranks r in [a, b] of f(r) = min over targets of 2 eps max(r / phi, (n - r) / (1 - phi)). The
     * paper checks f at one rank only, which lets a pair straddle a target (known counterexamples); f is least at
     * phi * n, and it never shrinks for a pair as values arrive, since both r and n - r only grow.
     */
    private double allowed(double a, double b) {
        double min = Double.MAX_VALUE;
        for (int j = 0; j < phis.length; j++) {
            double r = Math.min(Math.max(phis[j] * n, a), b);
            min = Math.min(min, Math.max(upper[j] * r, lower[j] * (n - r)));
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
        for (int k = 0; k < count; k++) {
            double x = sorted[k];
            while (i < size && values[i] <= x) {
                newValues[out] = values[i];
                newG[out] = g[i];
                newDelta[out] = delta[i];
                out++;
                i++;
            }
            n++;
            newValues[out] = x;
            newG[out] = 1;
            // a new minimum or maximum is known exactly; below tuple i, x ranks at most rmax(i) - 1
            newDelta[out] = (out == 0 || i == size) ? 0 : g[i] + delta[i] - 1;
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

    /** Merges tuple w into its successor while the pair it then forms keeps the contract; keeps min and max. */
    private void compress() {
        if (size < 3) {
            return;
        }
        int w = 0;
        long rankBeforeW = 0;
        for (int i = 1; i < size; i++) {
            boolean interior = w > 0 && i < size - 1;
            long span = (long) g[w] + g[i] + delta[i]; // rmax(i) - rmin(w - 1) once merged
            if (interior && span <= allowed(rankBeforeW, rankBeforeW + span)) {
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

    /**
     * The estimate for quantile {@code phi}, or NaN when nothing was observed: of the tuples whose ranks may reach
     * [phi * n - eps * n, phi * n + eps * n] (rank r standing for (r - 1, r]), the one surely inside it, or else
     * closest to it.
     */
    double get(double phi) {
        if (size == 0) {
            return Double.NaN;
        }
        double margin = 0; // a phi that is not a target gets the closest rank
        for (int j = 0; j < phis.length; j++) {
            if (Double.compare(phis[j], phi) == 0) {
                margin = epsilons[j] * n;
            }
        }
        double slack = 1e-9 * n; // phi * n and eps * n are rounded
        long lo = (long) Math.ceil(phi * n - margin - slack);
        long hi = (long) Math.floor(phi * n + margin + slack);
        int best = 0;
        long bestMiss = Long.MAX_VALUE;
        long bestOff = Long.MAX_VALUE;
        long rmin = 0;
        for (int i = 0; i < size; i++) {
            rmin += g[i];
            long rmax = rmin + delta[i];
            long miss = Math.max(0, Math.max(lo - rmin, rmax - 1 - hi));
            long off = Math.max(lo - rmin, rmax - hi);
            if (miss < bestMiss || (miss == bestMiss && off < bestOff)) {
                best = i;
                bestMiss = miss;
                bestOff = off;
            }
        }
        return values[best];
    }
}
