package io.promstream.parse.otlp;

import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.promstream.parse.Sample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the points of one OTLP resource share while an export is translated: its labels, and its group so far. */
final class OtlpResourcePoints {
    final ResourceMetrics metrics;
    final Map<String, String> attributes;
    /** {@code job} and {@code instance}. */
    final Map<String, String> grouping;
    /** The resource attributes promoted to labels, by label name. */
    final Map<String, String> promoted = new TreeMap<>();
    /** The samples of its group (cumulative points, gauges, summaries), and their series. */
    final List<Sample> group = new ArrayList<>();

    final Set<String> groupSeries = new HashSet<>();
    /** The resource's bytes as sent: part of its delta points' keys. */
    final byte[] identity;

    int groupPoints;

    OtlpResourcePoints(ResourceMetrics metrics, Set<String> promote) {
        this.metrics = metrics;
        this.attributes = OtlpLabels.attributes(metrics.getResource().getAttributesList());
        this.grouping = OtlpLabels.grouping(attributes);
        for (String key : promote) {
            String value = attributes.get(key);
            if (value != null) {
                promoted.put(OtlpNames.labelName(key), value);
            }
        }
        this.identity = metrics.getResource().toByteArray();
    }
}
