package io.promstream.expose;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.parse.MetricType;
import io.promstream.parse.NativeProtobuf;
import io.promstream.store.Family;
import io.promstream.store.LabelSet;
import io.promstream.store.SeriesSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Predicate;

/**
 * Writes the exposition in Prometheus' protobuf format: one length-delimited {@code io.prometheus.client.MetricFamily}
 * per family, built with the generated classes of {@code metrics.proto}. The store's families come straight from
 * their snapshots ({@link #family}); the gateway's own and the JVM's, from simpleclient's families, are
 * {@link ProtobufMetaWriter}'s.
 * Every sample of the text format 0.0.4 is carried, under the name and labels Prometheus gives it when it parses
 * either format: a counter family is named with its {@code _total}, as client_golang and client_java name theirs;
 * a histogram has its cumulative buckets without the +Inf one, whose count is {@code sample_count} (as
 * client_golang writes it); a summary its quantiles, count and sum; labels in the order of the text format.
 */
final class ProtobufWriter {
    /** The media type, with the parameters Prometheus looks for. */
    static final String CONTENT_TYPE =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    private ProtobufWriter() {}

    /** Writes the store's families that {@code wanted} keeps, sorted by name as the text formats show them. */
    static void writeStore(StoreCollector store, Predicate<Family> wanted, OutputStream out) throws IOException {
        store.each(wanted, false, (family, series) -> family(family, series).writeDelimitedTo(out));
    }

    /** One store family with the series a scrape shows of it. */
    static Metrics.MetricFamily family(Family family, List<SeriesSnapshot> series) {
        MetricType type = family.type();
        Metrics.MetricFamily.Builder out = Metrics.MetricFamily.newBuilder()
                .setName(type == MetricType.COUNTER ? family.name() + "_total" : family.name())
                .setHelp(wellFormed(SnapshotWriter.helpOf(family)))
                .setType(typeOf(type));
        for (SeriesSnapshot s : series) {
            Metrics.Metric.Builder metric = labels(s.labels());
            switch (type) {
                case COUNTER -> metric.setCounter(Metrics.Counter.newBuilder().setValue(s.value()));
                case GAUGE -> metric.setGauge(Metrics.Gauge.newBuilder().setValue(s.value()));
                case UNTYPED -> metric.setUntyped(Metrics.Untyped.newBuilder().setValue(s.value()));
                case HISTOGRAM -> metric.setHistogram(histogram(s));
                case SUMMARY -> metric.setSummary(summary(s));
            }
            out.addMetric(metric);
        }
        return out.build();
    }

    /**
     * One histogram series: its classic buckets, cumulative, each with its upper bound, then its count and sum. The
     * +Inf bucket is left out, as client_golang leaves it: Prometheus takes its count from {@code sample_count}
     * (the store keeps the two equal; one that differed would be written as an explicit +Inf bucket, which
     * Prometheus reads as such). The one place a histogram series becomes protobuf: native histograms' fields
     * (schema, zero threshold and count, spans and deltas) belong here too.
     */
    static Metrics.Histogram histogram(SeriesSnapshot s) {
        Metrics.Histogram.Builder h =
                Metrics.Histogram.newBuilder().setSampleCount(s.count()).setSampleSum(s.sum());
        if (s.nativeHistogram() != null) { // its native buckets only: Prometheus takes those
            NativeProtobuf.write(s.nativeHistogram(), h);
            return h.build();
        }
        double[] bounds = s.bounds();
        long[] counts = s.counts();
        if (bounds != null) {
            for (int i = 0; i < bounds.length; i++) {
                h.addBucket(bucket(bounds[i], counts[i]));
            }
            if (counts[bounds.length] != s.count()) {
                h.addBucket(bucket(Double.POSITIVE_INFINITY, counts[bounds.length]));
            }
        }
        return h.build();
    }

    static Metrics.Bucket.Builder bucket(double upperBound, long cumulativeCount) {
        return Metrics.Bucket.newBuilder().setUpperBound(upperBound).setCumulativeCount(cumulativeCount);
    }

    /** One summary series: its quantiles, count and sum. */
    static Metrics.Summary summary(SeriesSnapshot s) {
        Metrics.Summary.Builder summary =
                Metrics.Summary.newBuilder().setSampleCount(s.count()).setSampleSum(s.sum());
        double[] quantiles = s.quantiles();
        double[] values = s.quantileValues();
        for (int i = 0; i < quantiles.length; i++) {
            summary.addQuantile(
                    Metrics.Quantile.newBuilder().setQuantile(quantiles[i]).setValue(values[i]));
        }
        return summary.build();
    }

    /**
     * The text with each unpaired surrogate as {@code ?}: the bytes the text formats send for it. Protobuf would
     * send the same, but log a warning with a stack trace for each such string on every scrape.
     */
    static String wellFormed(String text) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i += 2;
            } else if (Character.isSurrogate(c)) {
                break;
            } else {
                i++;
            }
        }
        if (i == text.length()) {
            return text; // nearly always: handed back as it is
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int j = 0; j < text.length(); j++) {
            char c = text.charAt(j);
            if (Character.isHighSurrogate(c) && j + 1 < text.length() && Character.isLowSurrogate(text.charAt(j + 1))) {
                out.append(c).append(text.charAt(++j));
            } else {
                out.append(Character.isSurrogate(c) ? '?' : c);
            }
        }
        return out.toString();
    }

    private static Metrics.MetricType typeOf(MetricType type) {
        return switch (type) {
            case COUNTER -> Metrics.MetricType.COUNTER;
            case GAUGE -> Metrics.MetricType.GAUGE;
            case UNTYPED -> Metrics.MetricType.UNTYPED;
            case HISTOGRAM -> Metrics.MetricType.HISTOGRAM;
            case SUMMARY -> Metrics.MetricType.SUMMARY;
        };
    }

    private static Metrics.Metric.Builder labels(LabelSet labels) {
        Metrics.Metric.Builder metric = Metrics.Metric.newBuilder();
        for (int i = 0; i < labels.size(); i++) {
            metric.addLabel(
                    Metrics.LabelPair.newBuilder().setName(labels.name(i)).setValue(wellFormed(labels.value(i))));
        }
        return metric;
    }
}
