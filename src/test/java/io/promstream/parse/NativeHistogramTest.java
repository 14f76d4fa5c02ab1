package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Native histograms: buckets as client_golang puts values in them, addition across schemas and thresholds. */
class NativeHistogramTest {
    private static String buckets(NativeHistogram h) {
        StringBuilder out = new StringBuilder(
                "s" + h.schema() + " z" + h.zeroThreshold() + ":" + h.zeroCount() + " n" + h.count() + " +");
        for (int i = 0; i < h.positive().size(); i++) {
            out.append(h.positive().index(i))
                    .append('=')
                    .append(h.positive().count(i))
                    .append(',');
        }
        out.append(" -");
        for (int i = 0; i < h.negative().size(); i++) {
            out.append(h.negative().index(i))
                    .append('=')
                    .append(h.negative().count(i))
                    .append(',');
        }
        return out.toString();
    }

    @Test
    void aValueLandsInTheBucketWhoseBoundsHoldIt() {
        Random random = new Random(1);
        for (int schema = NativeHistogram.MIN_SCHEMA; schema <= NativeHistogram.MAX_SCHEMA; schema++) {
            for (int i = 0; i < 20_000; i++) {
                double v = Math.exp(random.nextGaussian() * 20);
                int index = NativeSchema.indexOf(v, schema);
                assertThat(v)
                        .as("schema %d value %s in bucket %d", schema, v, index)
                        .isGreaterThan(NativeSchema.upperBound(index - 1, schema) * (1 - 1e-12))
                        .isLessThanOrEqualTo(NativeSchema.upperBound(index, schema) * (1 + 1e-12));
            }
        }
        // bounds themselves belong to the bucket they end, as in Prometheus
        assertThat(NativeSchema.indexOf(1, 3)).isZero();
        assertThat(NativeSchema.indexOf(2, 0)).isEqualTo(1);
        assertThat(NativeSchema.indexOf(2, 3)).isEqualTo(8);
        assertThat(NativeSchema.indexOf(4, -1)).isEqualTo(1);
        assertThat(NativeSchema.indexOf(0.25, -1)).isEqualTo(-1);
        assertThat(NativeSchema.upperBound(8, 3)).isEqualTo(2);
        assertThat(NativeSchema.indexOf(Double.MIN_VALUE, 0)).isEqualTo(-1074);
    }

    @Test
    void addingAcrossSchemasIsObservingAtTheCoarserOne() {
        Random random = new Random(2);
        for (int round = 0; round < 200; round++) {
            int fine = random.nextInt(9);
            int coarse = fine - random.nextInt(fine + 5);
            NativeHistogram a = new NativeHistogram(fine, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
            NativeHistogram b = new NativeHistogram(coarse, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
            NativeHistogram all = new NativeHistogram(coarse, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
            for (int i = 0; i < 300; i++) {
                double v = (random.nextBoolean() ? 1 : -1) * Math.exp(random.nextGaussian() * 5);
                if (random.nextInt(20) == 0) {
                    v = 0;
                }
                (random.nextBoolean() ? a : b).observe(v);
                all.observe(v);
            }
            NativeHistogram intoFine = a.copy();
            intoFine.add(b);
            NativeHistogram intoCoarse = b.copy();
            intoCoarse.add(a);
            assertThat(buckets(intoFine)).as("round %d", round).isEqualTo(buckets(all));
            assertThat(buckets(intoCoarse)).as("round %d", round).isEqualTo(buckets(all));
            assertThat(intoFine.sum()).isCloseTo(all.sum(), offset(1e-6 * Math.abs(all.sum()) + 1e-9));
        }
    }

    @Test
    void zeroBucketsMergeToTheWiderThresholdTakingTheBucketsTheyCover() {
        NativeHistogram narrow = new NativeHistogram(0, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        for (double v : new double[] {0, 0.1, 0.3, -0.2, 1.5, 3, -5}) {
            narrow.observe(v);
        }
        NativeHistogram wide = new NativeHistogram(0, 0.5);
        for (double v : new double[] {0.4, -0.45, 2}) {
            wide.observe(v);
        }
        NativeHistogram sum = narrow.copy();
        sum.add(wide);
        assertThat(sum.zeroThreshold()).isEqualTo(0.5);
        // 0, 0.1, 0.3, -0.2 of the narrow one and 0.4, -0.45 of the wide one are in [-0.5, 0.5]
        assertThat(sum.zeroCount()).isEqualTo(6);
        assertThat(buckets(sum)).isEqualTo("s0 z0.5:6 n10 +1=2,2=1, -3=1,");
        // a threshold cutting a populated bucket moves up to that bucket's upper bound
        NativeHistogram cut = new NativeHistogram(0, 0.75);
        cut.observe(0.1);
        NativeHistogram other = new NativeHistogram(0, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        other.observe(0.6); // bucket 0: (0.5, 1]
        other.add(cut);
        assertThat(other.zeroThreshold()).isEqualTo(1);
        assertThat(other.zeroCount()).isEqualTo(2);
        assertThat(other.positive().size()).isZero();
    }

    @Test
    void tooManyBucketsHalveTheResolutionAsClientGolangDoes() {
        NativeHistogram h = new NativeHistogram(8, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        NativeHistogram reference = new NativeHistogram(8, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        Random random = new Random(3);
        for (int i = 0; i < 5000; i++) {
            double v = Math.exp(random.nextGaussian() * 3);
            h.observe(v);
            h.limit(160);
            reference.observe(v);
        }
        assertThat(h.positive().size()).isLessThanOrEqualTo(160);
        assertThat(h.schema()).isLessThan(8);
        reference.reduce(8 - h.schema());
        assertThat(buckets(h)).isEqualTo(buckets(reference));
    }

    @Test
    void roundTripsThroughItsBytesAndRendersAsAClassicHistogram() throws Exception {
        NativeHistogram h = new NativeHistogram(1, 0.001);
        for (double v : new double[] {-3, -0.5, 0, 0.0001, 1, 1.2, 7}) {
            h.observe(v);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        h.write(new DataOutputStream(bytes));
        NativeHistogram back = NativeHistogram.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(buckets(back)).isEqualTo(buckets(h));
        assertThat(back.problem()).isNull();
        double[] bounds = h.classicBounds();
        long[] counts = h.classicCounts();
        assertThat(bounds).isSorted();
        assertThat(counts).isSorted().hasSize(bounds.length + 1);
        assertThat(counts[counts.length - 1]).isEqualTo(7);
        assertThat(counts[counts.length - 2]).isEqualTo(7);
        // -3 and -0.5 below the zero bucket, 0 and 0.0001 in it
        assertThat(counts[h.negative().size()]).isEqualTo(4);
    }

    @Test
    void theClassicRenderingIsValidForBucketsInsideTheZeroBucketAndInfinities() {
        NativeHistogram pushed = new NativeHistogram(0, 1e-9).totals(5, 20, 0);
        pushed.positive().add(-34, 5); // (2^-35, 2^-34]: inside the zero bucket of 1e-9
        pushed.positive().add(2, 4);
        NativeHistogram observed = new NativeHistogram(0, NativeHistogram.DEFAULT_ZERO_THRESHOLD);
        for (double v : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3, -3}) {
            observed.observe(v);
        }
        for (NativeHistogram h : new NativeHistogram[] {pushed, observed}) {
            double[] bounds = h.classicBounds();
            long[] counts = h.classicCounts();
            assertThat(bounds).doesNotContain(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
            for (int i = 1; i < bounds.length; i++) {
                assertThat(bounds[i]).as(h.toString()).isGreaterThan(bounds[i - 1]);
            }
            assertThat(counts).isSorted().hasSize(bounds.length + 1);
            assertThat(counts[counts.length - 1]).isEqualTo(h.count());
        }
        assertThat(pushed.classicBounds()).containsExactly(1e-9, 4);
        assertThat(pushed.classicCounts()).containsExactly(10, 14, 20);
        NativeHistogram sum = new NativeHistogram(0, 1e-9);
        sum.add(pushed);
        assertThat(sum.zeroCount())
                .as("the pushed bucket inside the zero bucket is counted in it")
                .isEqualTo(10);
    }
}
