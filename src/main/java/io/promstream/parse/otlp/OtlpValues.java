package io.promstream.parse.otlp;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.promstream.parse.NativeHistogram;
import io.promstream.parse.Sample;
import java.util.Map;
import java.util.TreeMap;

/** The values of OTLP histogram and summary points, as whole pushed histograms and summaries. */
final class OtlpValues {
    private OtlpValues() {}

    /**
     * Makes {@code sample} the whole histogram of the point: its bounds, their cumulative counts (OTLP counts each
     * bucket apart), the count and the sum (0 when the point has none); returns why not, or {@code null}.
     */
    static String histogram(HistogramDataPoint p, String name, Sample sample) {
        int bounds = p.getExplicitBoundsCount();
        if (p.getBucketCountsCount() != bounds + 1 || bounds == 0) {
            return "histogram " + name + ": " + p.getBucketCountsCount() + " bucket counts for " + bounds
                    + " bounds (the gateway needs at least one bound, and a count per bound and one more)";
        }
        double[] le = new double[bounds];
        long[] cumulative = new long[bounds];
        long running = 0;
        for (int i = 0; i <= bounds; i++) {
            long n = p.getBucketCounts(i);
            if (n < 0 || running + n < running) {
                return "histogram " + name + ": a bucket count overflows";
            }
            running += n;
            if (i < bounds) {
                le[i] = p.getExplicitBounds(i);
                cumulative[i] = running;
            }
        }
        if (running != p.getCount()) {
            return "histogram " + name + ": count " + Long.toUnsignedString(p.getCount())
                    + " is not the sum of its bucket counts " + running;
        }
        sample.buckets(le).aggregateHistogram(le, cumulative, running, p.hasSum() ? p.getSum() : 0);
        return null;
    }

    /**
     * Makes {@code sample} the native histogram of an exponential histogram point: OTLP's scale is the schema (a
     * scale above 8 lowered to 8), its bucket {@code offset + k} Prometheus' bucket {@code offset + k + 1}; returns
     * why not, or {@code null}.
     */
    static String exponential(ExponentialHistogramDataPoint p, String name, Sample sample) {
        if (p.getScale() < NativeHistogram.MIN_SCHEMA) {
            return "exponential histogram " + name + ": scale " + p.getScale() + " is below "
                    + NativeHistogram.MIN_SCHEMA;
        }
        NativeHistogram h = new NativeHistogram(p.getScale(), p.getZeroThreshold())
                .totals(p.getZeroCount(), p.getCount(), p.hasSum() ? p.getSum() : 0);
        for (int side = 0; side < 2; side++) {
            var buckets = side == 0 ? p.getPositive() : p.getNegative();
            for (int k = 0; k < buckets.getBucketCountsCount(); k++) {
                long n = buckets.getBucketCounts(k);
                if (n != 0) {
                    (side == 0 ? h.positive() : h.negative()).add(buckets.getOffset() + k + 1, n);
                }
            }
        }
        h.reduce(h.schema() - NativeHistogram.MAX_SCHEMA);
        String problem = h.problem();
        if (problem != null) {
            return "exponential histogram " + name + ": " + problem;
        }
        sample.nativeHistogram(h);
        return null;
    }

    /** Makes {@code sample} the whole summary of the point: its quantiles (sorted), count and sum. */
    static void summary(SummaryDataPoint p, Sample sample) {
        TreeMap<Double, Double> quantiles = new TreeMap<>();
        for (var q : p.getQuantileValuesList()) {
            quantiles.put(q.getQuantile(), q.getValue());
        }
        double[] targets = new double[quantiles.size()];
        double[] values = new double[quantiles.size()];
        int i = 0;
        for (Map.Entry<Double, Double> e : quantiles.entrySet()) {
            targets[i] = e.getKey();
            values[i++] = e.getValue();
        }
        sample.aggregateSummary(targets, values, p.getCount(), p.getSum());
    }
}
