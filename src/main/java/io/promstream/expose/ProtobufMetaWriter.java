package io.promstream.expose;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The protobuf format's part for simpleclient's families (the gateway's own metrics and the JVM's): what
 * {@link ProtobufWriter} is for the store's families, with the names, types and samples simpleclient's text format
 * 0.0.4 gives them, so that Prometheus keeps the same series whichever of the two it reads.
 */
final class ProtobufMetaWriter {
    private ProtobufMetaWriter() {}

    /**
     * Writes simpleclient's families (the gateway's own metrics, the JVM's) with the names, types and samples
     * simpleclient's text format 0.0.4 gives them: an info family as the gauge {@code x_info}, a state set as a
     * gauge, unknown as untyped; {@code _created}, {@code _gcount} and {@code _gsum} samples as gauge families of
     * their own after all others, sorted by name.
     */
    static void write(List<MetricFamilySamples> families, OutputStream out) throws IOException {
        Map<String, Metrics.MetricFamily.Builder> separate = new TreeMap<>();
        for (MetricFamilySamples family : families) {
            metaFamily(family, separate).writeDelimitedTo(out);
        }
        for (Metrics.MetricFamily.Builder family : separate.values()) {
            family.build().writeDelimitedTo(out);
        }
    }

    private static Metrics.MetricFamily metaFamily(
            MetricFamilySamples family, Map<String, Metrics.MetricFamily.Builder> separate) {
        Metrics.MetricType type = switch (family.type) {
            case COUNTER -> Metrics.MetricType.COUNTER;
            case GAUGE, INFO, STATE_SET -> Metrics.MetricType.GAUGE;
            case SUMMARY -> Metrics.MetricType.SUMMARY;
            case HISTOGRAM, GAUGE_HISTOGRAM -> Metrics.MetricType.HISTOGRAM;
            case UNKNOWN -> Metrics.MetricType.UNTYPED;
        };
        String name = switch (family.type) {
            case COUNTER -> family.name + "_total";
            case INFO -> family.name + "_info";
            default -> family.name;
        };
        Metrics.MetricFamily.Builder out = Metrics.MetricFamily.newBuilder()
                .setName(name)
                .setHelp(ProtobufWriter.wellFormed(family.help))
                .setType(type);
        Map<List<String>, MetaSeries> series = new LinkedHashMap<>(); // a histogram's or summary's, by labels
        for (MetricFamilySamples.Sample sample : family.samples) {
            String suffix = sample.name.substring(Math.min(family.name.length(), sample.name.length()));
            if (suffix.equals("_created") || suffix.equals("_gcount") || suffix.equals("_gsum")) {
                separate.computeIfAbsent(
                                sample.name,
                                n -> Metrics.MetricFamily.newBuilder()
                                        .setName(n)
                                        .setHelp(ProtobufWriter.wellFormed(family.help))
                                        .setType(Metrics.MetricType.GAUGE))
                        .addMetric(value(sample, Metrics.MetricType.GAUGE));
            } else if (type == Metrics.MetricType.HISTOGRAM || type == Metrics.MetricType.SUMMARY) {
                String extra = type == Metrics.MetricType.HISTOGRAM ? "le" : "quantile";
                MetaSeries s = series.computeIfAbsent(seriesOf(sample, extra), k -> new MetaSeries(sample, extra));
                s.add(suffix, sample);
            } else {
                out.addMetric(value(sample, type));
            }
        }
        for (MetaSeries s : series.values()) {
            out.addMetric(s.finish());
        }
        return out.build();
    }

    private static Metrics.Metric.Builder value(MetricFamilySamples.Sample sample, Metrics.MetricType type) {
        Metrics.Metric.Builder metric = labels(sample, null);
        switch (type) {
            case COUNTER -> metric.setCounter(Metrics.Counter.newBuilder().setValue(sample.value));
            case UNTYPED -> metric.setUntyped(Metrics.Untyped.newBuilder().setValue(sample.value));
            default -> metric.setGauge(Metrics.Gauge.newBuilder().setValue(sample.value));
        }
        if (sample.timestampMs != null) {
            metric.setTimestampMs(sample.timestampMs);
        }
        return metric;
    }

    /** The sample's labels but {@code skipped}, in their order. */
    private static Metrics.Metric.Builder labels(MetricFamilySamples.Sample sample, String skipped) {
        Metrics.Metric.Builder metric = Metrics.Metric.newBuilder();
        for (int i = 0; i < sample.labelNames.size(); i++) {
            if (!sample.labelNames.get(i).equals(skipped)) {
                metric.addLabel(Metrics.LabelPair.newBuilder()
                        .setName(sample.labelNames.get(i))
                        .setValue(ProtobufWriter.wellFormed(sample.labelValues.get(i))));
            }
        }
        return metric;
    }

    /** The sample's labels but {@code extra}, names and values: which series of its family it belongs to. */
    private static List<String> seriesOf(MetricFamilySamples.Sample sample, String extra) {
        List<String> key = new ArrayList<>(sample.labelNames.size() * 2);
        for (int i = 0; i < sample.labelNames.size(); i++) {
            if (!sample.labelNames.get(i).equals(extra)) {
                key.add(sample.labelNames.get(i));
                key.add(sample.labelValues.get(i));
            }
        }
        return key;
    }

    /** A histogram or summary series of simpleclient's gathered from its samples. */
    private static final class MetaSeries {
        private final Metrics.Metric.Builder metric;
        private final String extra;
        private final Metrics.Histogram.Builder histogram = Metrics.Histogram.newBuilder();
        private final Metrics.Summary.Builder summary = Metrics.Summary.newBuilder();
        private Double inf;
        private boolean counted;

        MetaSeries(MetricFamilySamples.Sample first, String extra) {
            this.metric = labels(first, extra);
            this.extra = extra;
        }

        void add(String suffix, MetricFamilySamples.Sample sample) {
            switch (suffix) {
                case "_count" -> {
                    counted = true;
                    histogram.setSampleCount((long) sample.value);
                    summary.setSampleCount((long) sample.value);
                }
                case "_sum" -> {
                    histogram.setSampleSum(sample.value);
                    summary.setSampleSum(sample.value);
                }
                default -> {
                    double bound = parse(sample.labelValues.get(sample.labelNames.indexOf(extra)));
                    if (extra.equals("quantile")) {
                        summary.addQuantile(
                                Metrics.Quantile.newBuilder().setQuantile(bound).setValue(sample.value));
                    } else if (bound == Double.POSITIVE_INFINITY) {
                        inf = sample.value;
                    } else {
                        histogram.addBucket(ProtobufWriter.bucket(bound, (long) sample.value));
                    }
                }
            }
        }

        Metrics.Metric.Builder finish() {
            if (extra.equals("quantile")) {
                return metric.setSummary(summary);
            }
            if (inf != null && !counted) {
                histogram.setSampleCount(inf.longValue());
            } else if (inf != null && inf.longValue() != histogram.getSampleCount()) {
                histogram.addBucket(ProtobufWriter.bucket(Double.POSITIVE_INFINITY, inf.longValue()));
            }
            return metric.setHistogram(histogram);
        }

        /** A bound as {@link Collector#doubleToGoString} wrote it. */
        private static double parse(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        }
    }
}
