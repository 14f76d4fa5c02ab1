package io.promstream.parse;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import java.util.List;

/**
 * A native histogram in Prometheus' protobuf format, read and written: the schema, the zero bucket, and each side's
 * buckets as spans (the first offset absolute, the others the gap after the span before) with their counts
 * delta-encoded, as client_golang writes them. Integer counts only.
 */
public final class NativeProtobuf {
    private NativeProtobuf() {}

    static NativeHistogram read(Metrics.Histogram h, String name, int index) throws TextFormatException {
        if (h.getPositiveCountCount() > 0
                || h.getNegativeCountCount() > 0
                || h.hasZeroCountFloat()
                || h.hasSampleCountFloat() && !h.hasSampleCount()) {
            throw TextFormatException.inFamily(
                    index, RejectReason.INVALID_BUCKETS, "float native histograms are not supported (" + name + ")");
        }
        NativeHistogram out = new NativeHistogram(h.getSchema(), h.getZeroThreshold())
                .totals(h.getZeroCount(), h.getSampleCount(), h.getSampleSum());
        side(h.getPositiveSpanList(), h.getPositiveDeltaList(), out.positive(), name, index);
        side(h.getNegativeSpanList(), h.getNegativeDeltaList(), out.negative(), name, index);
        return out;
    }

    private static void side(
            List<Metrics.BucketSpan> spans, List<Long> deltas, NativeBuckets into, String name, int index)
            throws TextFormatException {
        int at = 0;
        long count = 0;
        long bucket = 0;
        for (int s = 0; s < spans.size(); s++) {
            Metrics.BucketSpan span = spans.get(s);
            bucket += span.getOffset();
            for (int j = 0; j < span.getLength(); j++) {
                if (at == deltas.size()) {
                    throw TextFormatException.inFamily(
                            index, RejectReason.INVALID_BUCKETS, name + ": fewer bucket deltas than its spans hold");
                }
                count += deltas.get(at++);
                if (count < 0 || bucket < Integer.MIN_VALUE || bucket > Integer.MAX_VALUE) {
                    throw TextFormatException.inFamily(
                            index, RejectReason.INVALID_BUCKETS, name + ": a negative bucket count or index overflow");
                }
                if (count > 0) {
                    into.add((int) bucket, count);
                }
                bucket++;
            }
        }
        if (at != deltas.size()) {
            throw TextFormatException.inFamily(
                    index, RejectReason.INVALID_BUCKETS, name + ": more bucket deltas than its spans hold");
        }
    }

    /** Writes the histogram's native fields into {@code out} (schema, zero bucket, spans and deltas, count, sum). */
    public static void write(NativeHistogram h, Metrics.Histogram.Builder out) {
        out.setSchema(h.schema())
                .setZeroThreshold(h.zeroThreshold())
                .setZeroCount(h.zeroCount())
                .setSampleCount(h.count())
                .setSampleSum(h.sum());
        NativeBuckets positive = h.positive();
        NativeBuckets negative = h.negative();
        for (int i = 0, previous = 0; i < positive.size(); i++) {
            previous = span(positive, i, previous, out, true);
        }
        for (int i = 0, previous = 0; i < negative.size(); i++) {
            previous = span(negative, i, previous, out, false);
        }
        if (positive.size() == 0 && negative.size() == 0) { // as client_golang: an empty span marks it native
            out.addPositiveSpan(Metrics.BucketSpan.newBuilder().setOffset(0).setLength(0));
        }
    }

    /** Adds bucket {@code i} (a new span when it does not follow the one before); returns its index + 1. */
    private static int span(
            NativeBuckets side, int i, int previousEnd, Metrics.Histogram.Builder out, boolean positive) {
        int index = side.index(i);
        long delta = side.count(i) - (i == 0 ? 0 : side.count(i - 1));
        boolean follows = i > 0 && index == previousEnd;
        if (positive) {
            if (follows) {
                int last = out.getPositiveSpanCount() - 1;
                out.setPositiveSpan(
                        last,
                        out.getPositiveSpan(last).toBuilder()
                                .setLength(out.getPositiveSpan(last).getLength() + 1));
            } else {
                out.addPositiveSpan(Metrics.BucketSpan.newBuilder()
                        .setOffset(i == 0 ? index : index - previousEnd)
                        .setLength(1));
            }
            out.addPositiveDelta(delta);
        } else {
            if (follows) {
                int last = out.getNegativeSpanCount() - 1;
                out.setNegativeSpan(
                        last,
                        out.getNegativeSpan(last).toBuilder()
                                .setLength(out.getNegativeSpan(last).getLength() + 1));
            } else {
                out.addNegativeSpan(Metrics.BucketSpan.newBuilder()
                        .setOffset(i == 0 ? index : index - previousEnd)
                        .setLength(1));
            }
            out.addNegativeDelta(delta);
        }
        return index + 1;
    }
}
