package io.promstream.parse;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A push in Prometheus' protobuf format (a stream of length-delimited {@code io.prometheus.client.MetricFamily}
 * messages, what client_golang pushes by default), decoded with the generated classes of {@code metrics.proto}
 * into the same families the text parser yields, so that one converter and one validator serve both formats.
 * A native histogram (client_golang's {@code NativeHistogramBucketFactor}) is one point carrying it whole, its
 * classic buckets, if any, left aside. A family given twice, a sample with a timestamp, float native histograms and
 * gauge histograms are refused.
 */
final class ProtobufPush {
    /** The media type, without its parameters. */
    static final String MEDIA_TYPE = "application/vnd.google.protobuf";

    private ProtobufPush() {}

    /**
     * Whether a {@code Content-Type} names this format: the media type with {@code proto=io.prometheus.client.MetricFamily}
     * and {@code encoding=delimited} (as the Pushgateway reads it; anything else is text).
     */
    static boolean isProtobuf(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase(MEDIA_TYPE)) {
            return false;
        }
        boolean proto = false;
        boolean delimited = false;
        for (int i = 1; i < parts.length; i++) {
            String[] pair = parts[i].split("=", 2);
            if (pair.length == 2) {
                String name = pair[0].trim().toLowerCase(Locale.ROOT);
                String value = pair[1].trim().replace("\"", "");
                proto |= name.equals("proto") && value.equals("io.prometheus.client.MetricFamily");
                delimited |= name.equals("encoding") && value.equals("delimited");
            }
        }
        return proto && delimited;
    }

    static List<TextFamily> families(byte[] body) throws TextFormatException {
        List<TextFamily> families = new ArrayList<>();
        Set<String> names = new HashSet<>();
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        int index = 0;
        while (in.available() > 0) {
            index++;
            Metrics.MetricFamily family;
            try {
                family = Metrics.MetricFamily.parseDelimitedFrom(in);
            } catch (IOException | RuntimeException e) {
                throw TextFormatException.inFamily(
                        index,
                        RejectReason.INVALID_MESSAGE,
                        "not a length-delimited protobuf MetricFamily: " + e.getMessage());
            }
            if (family == null) {
                break;
            }
            String name = family.getName();
            if (!Names.isValidMetricName(name)) {
                throw TextFormatException.inFamily(
                        index, RejectReason.INVALID_NAME, "invalid metric name \"" + Truncate.text(name, 100) + "\"");
            }
            if (!names.add(name)) {
                throw TextFormatException.inFamily(
                        index, RejectReason.INVALID_MESSAGE, "metric family " + name + " appears twice in the push");
            }
            families.add(convert(family, index));
        }
        return families;
    }

    private static TextFamily convert(Metrics.MetricFamily family, int index) throws TextFormatException {
        String name = family.getName();
        TextFamily out = new TextFamily(name);
        String type = switch (family.getType()) {
            case COUNTER -> "counter";
            case GAUGE -> "gauge";
            case SUMMARY -> "summary";
            case HISTOGRAM -> "histogram";
            case UNTYPED -> "untyped";
            default ->
                throw TextFormatException.inFamily(
                        index,
                        RejectReason.INVALID_MESSAGE,
                        "metric type " + family.getType() + " of " + name + " is not supported");
        };
        out.type(type);
        if (family.hasHelp() && !family.getHelp().isEmpty()) {
            out.help(family.getHelp());
        }
        for (Metrics.Metric metric : family.getMetricList()) {
            boolean timestamped = metric.hasTimestampMs() && metric.getTimestampMs() != 0;
            List<String> labelNames = new ArrayList<>(metric.getLabelCount() + 1);
            List<String> labelValues = new ArrayList<>(metric.getLabelCount() + 1);
            for (Metrics.LabelPair pair : metric.getLabelList()) {
                labelNames.add(pair.getName());
                labelValues.add(pair.getValue());
            }
            switch (family.getType()) {
                case COUNTER ->
                    out.points()
                            .add(point(
                                    name,
                                    labelNames,
                                    labelValues,
                                    metric.getCounter().getValue(),
                                    timestamped,
                                    index));
                case GAUGE ->
                    out.points()
                            .add(point(
                                    name,
                                    labelNames,
                                    labelValues,
                                    metric.getGauge().getValue(),
                                    timestamped,
                                    index));
                case UNTYPED ->
                    out.points()
                            .add(point(
                                    name,
                                    labelNames,
                                    labelValues,
                                    metric.getUntyped().getValue(),
                                    timestamped,
                                    index));
                case SUMMARY -> summary(out, metric.getSummary(), labelNames, labelValues, timestamped, index);
                default -> histogram(out, metric.getHistogram(), labelNames, labelValues, timestamped, index);
            }
        }
        return out;
    }

    private static void summary(
            TextFamily out,
            Metrics.Summary summary,
            List<String> names,
            List<String> values,
            boolean timestamped,
            int index) {
        String name = out.name();
        for (Metrics.Quantile q : summary.getQuantileList()) {
            out.points()
                    .add(point(
                            name,
                            with(names, "quantile"),
                            with(values, goString(q.getQuantile())),
                            q.getValue(),
                            timestamped,
                            index));
        }
        out.points().add(point(name + "_sum", names, values, summary.getSampleSum(), timestamped, index));
        out.points().add(point(name + "_count", names, values, summary.getSampleCount(), timestamped, index));
    }

    private static void histogram(
            TextFamily out,
            Metrics.Histogram histogram,
            List<String> names,
            List<String> values,
            boolean timestamped,
            int index)
            throws TextFormatException {
        String name = out.name();
        if (histogram.getPositiveSpanCount() > 0
                || histogram.getNegativeSpanCount() > 0
                || histogram.hasZeroThreshold()
                || histogram.hasSchema()) {
            NativeHistogram whole = NativeProtobuf.read(histogram, name, index);
            out.points().add(new TextFamily.Point(name, names, values, whole.sum(), timestamped, index, whole));
            return;
        }
        boolean inf = false;
        for (Metrics.Bucket bucket : histogram.getBucketList()) {
            double bound = bucket.getUpperBound();
            inf |= bound == Double.POSITIVE_INFINITY;
            double count = bucket.hasCumulativeCountFloat() && !bucket.hasCumulativeCount()
                    ? bucket.getCumulativeCountFloat()
                    : bucket.getCumulativeCount();
            out.points()
                    .add(point(
                            name + "_bucket",
                            with(names, "le"),
                            with(values, goString(bound)),
                            count,
                            timestamped,
                            index));
        }
        double total = histogram.hasSampleCountFloat() && !histogram.hasSampleCount()
                ? histogram.getSampleCountFloat()
                : histogram.getSampleCount();
        if (!inf) { // implicit in protobuf: the +Inf bucket holds every observation
            out.points()
                    .add(point(name + "_bucket", with(names, "le"), with(values, "+Inf"), total, timestamped, index));
        }
        out.points().add(point(name + "_sum", names, values, histogram.getSampleSum(), timestamped, index));
        out.points().add(point(name + "_count", names, values, total, timestamped, index));
    }

    private static TextFamily.Point point(
            String name, List<String> names, List<String> values, double value, boolean timestamped, int index) {
        return new TextFamily.Point(name, names, values, value, timestamped, index);
    }

    private static List<String> with(List<String> base, String extra) {
        List<String> out = new ArrayList<>(base.size() + 1);
        out.addAll(base);
        out.add(extra);
        return out;
    }

    /** A bound or quantile as the text format writes it, so that the text path reads it back alike. */
    private static String goString(double value) {
        if (value == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        return Double.toString(value);
    }
}
