package io.promstream.store;

import io.promstream.parse.MetricType;
import io.promstream.parse.NativeHistogram;
import java.util.Arrays;

/**
 * One series exposed from several partitions' copies of it (misrouted samples made one on another partition;
 * docs/semantics.md, Shards): counters and histograms of one bucket layout add up, a summary adds its count and
 * sum and keeps the quantiles of the copy that saw the most observations, a gauge is the copy updated last, and an
 * untyped series adds up as a counter does.
 */
final class SnapshotMerge {
    private final MetricType type;
    private SeriesSnapshot result;
    private long updated = Long.MIN_VALUE;

    SnapshotMerge(MetricType type) {
        this.type = type;
    }

    void add(SeriesSnapshot s, long updatedMillis) {
        if (result == null) {
            result = s;
            updated = updatedMillis;
            return;
        }
        result = switch (type) {
            case COUNTER, UNTYPED ->
                new SeriesSnapshot(s.labels(), result.value() + s.value(), null, null, null, null, 0, 0);
            case GAUGE -> updatedMillis >= updated ? s : result;
            case HISTOGRAM ->
                result.nativeHistogram() != null && s.nativeHistogram() != null
                        ? nativeSum(result, s)
                        : Arrays.equals(result.bounds(), s.bounds()) && result.nativeHistogram() == null
                                ? histogram(result, s)
                                : s.count() > result.count() ? s : result;
            case SUMMARY -> {
                SeriesSnapshot most = s.count() > result.count() ? s : result;
                yield new SeriesSnapshot(
                        s.labels(),
                        0,
                        null,
                        null,
                        most.quantiles(),
                        most.quantileValues(),
                        result.sum() + s.sum(),
                        result.count() + s.count());
            }
        };
        updated = Math.max(updated, updatedMillis);
    }

    private static SeriesSnapshot histogram(SeriesSnapshot a, SeriesSnapshot b) {
        long[] counts = a.counts().clone();
        for (int i = 0; i < counts.length; i++) {
            counts[i] += b.counts()[i];
        }
        return new SeriesSnapshot(
                a.labels(), 0, a.bounds(), counts, null, null, a.sum() + b.sum(), a.count() + b.count());
    }

    private static SeriesSnapshot nativeSum(SeriesSnapshot a, SeriesSnapshot b) {
        NativeHistogram sum = a.nativeHistogram().copy();
        sum.add(b.nativeHistogram());
        return SeriesSnapshot.ofNative(a.labels(), sum);
    }

    SeriesSnapshot result() {
        return result;
    }
}
