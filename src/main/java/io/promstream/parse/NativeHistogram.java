package io.promstream.parse;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A Prometheus native histogram (docs/native-histograms.md): a schema (bucket {@code i} of schema {@code s} holds
 * the values in {@code (2^((i-1)·2^-s), 2^(i·2^-s)]}), a zero bucket of {@code [-zeroThreshold, zeroThreshold]},
 * sparse positive and negative buckets of integer counts, the count and the sum. Observing buckets a value as
 * client_golang does; {@link #add} adds another histogram as Prometheus' {@code FloatHistogram.Add} does, lowering
 * the finer schema to the coarser and merging zero buckets to the wider threshold; {@link #limit} halves the
 * resolution while more buckets are populated than allowed, as client_golang does. Not thread-safe.
 */
public final class NativeHistogram {
    /** The finest and the coarsest schema. */
    public static final int MAX_SCHEMA = 8;

    public static final int MIN_SCHEMA = -4;
    /** client_golang's default zero threshold, 2^-128. */
    public static final double DEFAULT_ZERO_THRESHOLD = 2.938735877055719e-39;

    private int schema;
    private double zeroThreshold;
    private long zeroCount;
    private long count;
    private double sum;
    private final NativeBuckets positive = new NativeBuckets();
    private final NativeBuckets negative = new NativeBuckets();

    public NativeHistogram(int schema, double zeroThreshold) {
        this.schema = schema;
        this.zeroThreshold = zeroThreshold;
    }

    public int schema() {
        return schema;
    }

    public double zeroThreshold() {
        return zeroThreshold;
    }

    public long zeroCount() {
        return zeroCount;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public NativeBuckets positive() {
        return positive;
    }

    public NativeBuckets negative() {
        return negative;
    }

    /** Sets the whole histogram's totals (a pushed one: its buckets added with {@link NativeBuckets#add}). */
    public NativeHistogram totals(long zeroCount, long count, double sum) {
        this.zeroCount = zeroCount;
        this.count = count;
        this.sum = sum;
        return this;
    }

    /** Counts one observation. */
    public void observe(double v) {
        count++;
        sum += v;
        if (Double.isNaN(v)) {
            return; // counted, in no bucket: as client_golang
        }
        if (Math.abs(v) <= zeroThreshold) {
            zeroCount++;
        } else if (v > 0) {
            positive.add(NativeSchema.indexOf(v, schema), 1);
        } else {
            negative.add(NativeSchema.indexOf(-v, schema), 1);
        }
    }

    /** Adds {@code other} into this one (which {@code other} does not change). */
    public void add(NativeHistogram other) {
        NativeHistogram o = other;
        if (other.schema < schema) {
            reduce(schema - other.schema);
        } else if (other.schema > schema) {
            o = other.copy();
            o.reduce(other.schema - schema);
        }
        // the zero buckets reconciled as Prometheus does: the wider threshold wins, moved up past any populated
        // bucket it would cut, on either side
        double otherThreshold = o.zeroThreshold;
        while (otherThreshold != zeroThreshold) {
            if (otherThreshold < zeroThreshold) {
                otherThreshold = o.widened(zeroThreshold);
            }
            if (otherThreshold > zeroThreshold) {
                widenZeroBucket(otherThreshold);
            }
        }
        zeroCount += o.zeroCountAt(zeroThreshold); // its buckets inside the zero bucket, even at one threshold
        count += o.count;
        sum += o.sum;
        addAbove(positive, o.positive, zeroThreshold);
        addAbove(negative, o.negative, zeroThreshold);
    }

    /** Adds the buckets of {@code from} that lie above the zero bucket. */
    private void addAbove(NativeBuckets into, NativeBuckets from, double threshold) {
        for (int i = 0; i < from.size(); i++) {
            if (NativeSchema.upperBound(from.index(i), schema) > threshold) {
                into.add(from.index(i), from.count(i));
            }
        }
    }

    /**
     * The threshold a zero bucket of at least {@code threshold} must have for this histogram: moved up to the upper
     * bound of a populated bucket it would cut (as Prometheus' {@code zeroCountForLargerThreshold} does).
     */
    private double widened(double threshold) {
        double larger = threshold;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (NativeBuckets side : new NativeBuckets[] {positive, negative}) {
                for (int i = 0; i < side.size(); i++) {
                    double lower = NativeSchema.upperBound(side.index(i) - 1, schema);
                    double upper = NativeSchema.upperBound(side.index(i), schema);
                    if (lower >= larger) {
                        break;
                    }
                    if (upper > larger && side.count(i) != 0) {
                        larger = upper;
                        moved = true;
                    }
                }
            }
        }
        return larger;
    }

    /** The zero count a zero bucket of {@code threshold} (from {@link #widened}) would hold. */
    private long zeroCountAt(double threshold) {
        long n = zeroCount;
        for (NativeBuckets side : new NativeBuckets[] {positive, negative}) {
            for (int i = 0; i < side.size() && NativeSchema.upperBound(side.index(i), schema) <= threshold; i++) {
                n += side.count(i);
            }
        }
        return n;
    }

    /** Widens this histogram's zero bucket to at least {@code threshold}, taking in the buckets it covers. */
    private void widenZeroBucket(double threshold) {
        double larger = widened(threshold);
        zeroCount = zeroCountAt(larger);
        for (NativeBuckets side : new NativeBuckets[] {positive, negative}) {
            int covered = 0;
            while (covered < side.size() && NativeSchema.upperBound(side.index(covered), schema) <= larger) {
                covered++;
            }
            side.dropFirst(covered);
        }
        zeroThreshold = larger;
    }

    /** Lowers the resolution by {@code delta} schemas (each bucket merged into the coarser one holding it). */
    public void reduce(int delta) {
        if (delta <= 0) {
            return;
        }
        positive.reduce(delta);
        negative.reduce(delta);
        schema -= delta;
    }

    /** Halves the resolution while more than {@code maxNativeBuckets} buckets are populated (never below schema -4). */
    public void limit(int maxNativeBuckets) {
        while (positive.size() + negative.size() > maxNativeBuckets && schema > MIN_SCHEMA) {
            reduce(1);
        }
    }

    public NativeHistogram copy() {
        NativeHistogram c = new NativeHistogram(schema, zeroThreshold).totals(zeroCount, count, sum);
        c.positive.copyFrom(positive);
        c.negative.copyFrom(negative);
        return c;
    }

    /** What is wrong with a histogram as pushed, or {@code null}: the schema, the threshold, the counts. */
    public String problem() {
        if (schema < MIN_SCHEMA || schema > MAX_SCHEMA) {
            return "schema " + schema + " is outside " + MIN_SCHEMA + ".." + MAX_SCHEMA;
        }
        if (!(zeroThreshold >= 0) || Double.isInfinite(zeroThreshold)) {
            return "the zero threshold must be finite and >= 0";
        }
        if (Double.isNaN(sum) || Double.isInfinite(sum)) {
            return "the sum must be finite";
        }
        long buckets = 0;
        for (NativeBuckets side : new NativeBuckets[] {positive, negative}) {
            for (int i = 0; i < side.size(); i++) {
                if (side.count(i) < 0) {
                    return "bucket counts must be >= 0";
                }
                buckets += side.count(i);
                if (buckets < 0) {
                    return "bucket counts overflow";
                }
            }
        }
        if (zeroCount < 0 || count < 0 || count < buckets + zeroCount) {
            return "the count " + count + " is less than the zero count and the bucket counts (" + (buckets + zeroCount)
                    + ")";
        }
        return null;
    }

    /**
     * The histogram's buckets as a classic one: the upper bounds (strictly ascending and finite, +Inf left out) of
     * the negative buckets, the zero bucket and the positive buckets. A bucket whose bound is not above the one
     * before it (a pushed bucket inside the zero bucket) is counted under that one; an infinite one under +Inf.
     */
    public double[] classicBounds() {
        return NativeSchema.classic(this).bounds();
    }

    /** The cumulative counts of {@link #classicBounds}, and the count last (the +Inf bucket). */
    public long[] classicCounts() {
        return NativeSchema.classic(this).counts();
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeByte(schema);
        out.writeDouble(zeroThreshold);
        out.writeLong(zeroCount);
        out.writeLong(count);
        out.writeDouble(sum);
        positive.write(out);
        negative.write(out);
    }

    /** Reads what {@link #write} wrote; {@link IOException} for damaged bytes. */
    public static NativeHistogram read(DataInputStream in) throws IOException {
        NativeHistogram h = new NativeHistogram(in.readByte(), in.readDouble())
                .totals(in.readLong(), in.readLong(), in.readDouble());
        h.positive.read(in);
        h.negative.read(in);
        return h;
    }

    @Override
    public String toString() {
        return "native{schema=" + schema + ", zero=" + zeroThreshold + ":" + zeroCount + ", count=" + count + ", sum="
                + sum + ", +" + positive.size() + " -" + negative.size() + "}";
    }
}
