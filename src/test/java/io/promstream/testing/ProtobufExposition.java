package io.promstream.testing;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a protobuf exposition (length-delimited {@code MetricFamily} messages) with the generated classes, and
 * renders what it holds as simpleclient's text format 0.0.4 would, the way Prometheus' protobuf parser reads it: a
 * counter's series under its family's name, a histogram's +Inf bucket from {@code sample_count} unless written,
 * {@code le} and {@code quantile} last. Comparing that with a text exposition compares every series' name, labels
 * in order and value.
 */
public final class ProtobufExposition {
    private ProtobufExposition() {}

    public static List<Metrics.MetricFamily> decode(byte[] body) {
        List<Metrics.MetricFamily> families = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        try {
            Metrics.MetricFamily family;
            while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.add(family);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return families;
    }

    /** The exposition as text 0.0.4. */
    public static String asText(byte[] body) {
        StringWriter out = new StringWriter();
        try {
            TextFormat.write004(out, Collections.enumeration(toFamilySamples(decode(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static List<MetricFamilySamples> toFamilySamples(List<Metrics.MetricFamily> families) {
        List<MetricFamilySamples> out = new ArrayList<>();
        for (Metrics.MetricFamily family : families) {
            out.add(toFamilySamples(family));
        }
        return out;
    }

    private static MetricFamilySamples toFamilySamples(Metrics.MetricFamily family) {
        String name = family.getName();
        String familyName = name;
        List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        Collector.Type type;
        switch (family.getType()) {
            case COUNTER -> {
                if (!name.endsWith("_total")) {
                    throw new AssertionError("counter family without _total: " + name);
                }
                type = Collector.Type.COUNTER;
                family.getMetricList()
                        .forEach(m -> samples.add(
                                sample(name, m, null, null, m.getCounter().getValue())));
                familyName = name.substring(0, name.length() - "_total".length());
            }
            case GAUGE -> {
                type = Collector.Type.GAUGE;
                family.getMetricList()
                        .forEach(m -> samples.add(
                                sample(name, m, null, null, m.getGauge().getValue())));
            }
            case UNTYPED -> {
                type = Collector.Type.UNKNOWN;
                family.getMetricList()
                        .forEach(m -> samples.add(
                                sample(name, m, null, null, m.getUntyped().getValue())));
            }
            case HISTOGRAM -> {
                type = Collector.Type.HISTOGRAM;
                for (Metrics.Metric m : family.getMetricList()) {
                    Metrics.Histogram h = m.getHistogram();
                    boolean inf = false;
                    for (Metrics.Bucket b : h.getBucketList()) {
                        inf = b.getUpperBound() == Double.POSITIVE_INFINITY;
                        samples.add(sample(
                                name + "_bucket",
                                m,
                                "le",
                                Collector.doubleToGoString(b.getUpperBound()),
                                b.getCumulativeCount()));
                    }
                    if (!inf) {
                        samples.add(sample(name + "_bucket", m, "le", "+Inf", h.getSampleCount()));
                    }
                    samples.add(sample(name + "_count", m, null, null, h.getSampleCount()));
                    samples.add(sample(name + "_sum", m, null, null, h.getSampleSum()));
                }
            }
            case SUMMARY -> {
                type = Collector.Type.SUMMARY;
                for (Metrics.Metric m : family.getMetricList()) {
                    Metrics.Summary s = m.getSummary();
                    for (Metrics.Quantile q : s.getQuantileList()) {
                        samples.add(
                                sample(name, m, "quantile", Collector.doubleToGoString(q.getQuantile()), q.getValue()));
                    }
                    samples.add(sample(name + "_count", m, null, null, s.getSampleCount()));
                    samples.add(sample(name + "_sum", m, null, null, s.getSampleSum()));
                }
            }
            default -> throw new AssertionError("unexpected type " + family.getType() + " of " + name);
        }
        return new MetricFamilySamples(familyName, type, family.getHelp(), samples);
    }

    private static MetricFamilySamples.Sample sample(
            String name, Metrics.Metric metric, String extraName, String extraValue, double value) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Metrics.LabelPair label : metric.getLabelList()) {
            names.add(label.getName());
            values.add(label.getValue());
        }
        if (extraName != null) {
            names.add(extraName);
            values.add(extraValue);
        }
        return new MetricFamilySamples.Sample(
                name, names, values, value, metric.hasTimestampMs() ? metric.getTimestampMs() : null);
    }
}
