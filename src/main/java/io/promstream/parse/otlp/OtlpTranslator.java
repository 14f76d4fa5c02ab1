package io.promstream.parse.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.promstream.parse.GaugeOp;
import io.promstream.parse.MetricType;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleValidator;
import io.promstream.parse.Truncate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns an OTLP export into what the store applies (docs/otlp.md): delta sums and histograms into samples added
 * across producers, each keyed by its stream (resource, scope, name, attributes) and its start and end time; every
 * other point into its resource's group, taken as pushed. Points it cannot take are refused with a reason, never
 * dropped silently. One export per instance; not thread-safe.
 */
public final class OtlpTranslator {
    private static final String SERVICE_NAME = "service.name";
    private static final String SERVICE_NAMESPACE = "service.namespace";
    private static final String SERVICE_INSTANCE = "service.instance.id";
    /** {@code DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK}: the point carries no value. */
    private static final int NO_RECORDED_VALUE = 1;

    private final OtlpSettings settings;
    private final long nowMillis;
    private final MessageDigest digest;
    private final List<OtlpExport.Delta> deltas = new ArrayList<>();
    private final List<OtlpExport.Group> groups = new ArrayList<>();
    private final List<OtlpExport.Refused> refused = new ArrayList<>();
    private int points;

    private OtlpTranslator(OtlpSettings settings, long nowMillis) {
        this.settings = settings;
        this.nowMillis = nowMillis;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The export translated at {@code nowMillis} (delta points older than the window are refused). */
    public static OtlpExport translate(ExportMetricsServiceRequest request, OtlpSettings settings, long nowMillis) {
        OtlpTranslator translator = new OtlpTranslator(settings, nowMillis);
        for (ResourceMetrics resource : request.getResourceMetricsList()) {
            translator.resource(resource);
        }
        return new OtlpExport(
                List.copyOf(translator.deltas),
                List.copyOf(translator.groups),
                List.copyOf(translator.refused),
                translator.points);
    }

    /** What one resource's points share. */
    private final class Resource {
        final ResourceMetrics metrics;
        final Map<String, String> attributes;
        final Map<String, String> grouping = new LinkedHashMap<>();
        final Map<String, String> promoted = new TreeMap<>();
        final List<Sample> group = new ArrayList<>();
        final Set<String> groupSeries = new HashSet<>();
        final byte[] identity;
        int groupPoints;

        Resource(ResourceMetrics metrics) {
            this.metrics = metrics;
            this.attributes = attributes(metrics.getResource().getAttributesList());
            String service = attributes.getOrDefault(SERVICE_NAME, "unknown_service");
            String namespace = attributes.get(SERVICE_NAMESPACE);
            grouping.put("job", namespace == null || namespace.isEmpty() ? service : namespace + "/" + service);
            grouping.put("instance", attributes.getOrDefault(SERVICE_INSTANCE, ""));
            for (String key : settings.promoted()) {
                String value = attributes.get(key);
                if (value != null) {
                    promoted.put(OtlpNames.labelName(key), value);
                }
            }
            this.identity = metrics.getResource().toByteArray();
        }
    }

    private void resource(ResourceMetrics metrics) {
        Resource resource = new Resource(metrics);
        for (ScopeMetrics scope : metrics.getScopeMetricsList()) {
            Map<String, String> scopeLabels = new TreeMap<>();
            if (!scope.getScope().getName().isEmpty()) {
                scopeLabels.put("otel_scope_name", scope.getScope().getName());
            }
            if (!scope.getScope().getVersion().isEmpty()) {
                scopeLabels.put("otel_scope_version", scope.getScope().getVersion());
            }
            for (Metric metric : scope.getMetricsList()) {
                new Stream(resource, scope, scopeLabels, metric).translate();
            }
        }
        if (resource.group.isEmpty()) {
            return;
        }
        Sample info = targetInfo(resource);
        if (info != null) {
            resource.group.add(info);
        }
        groups.add(new OtlpExport.Group(resource.grouping, resource.group, resource.groupPoints));
    }

    /** One metric of a scope of a resource: its points translated by its kind and temporality. */
    private final class Stream {
        final Resource resource;
        final ScopeMetrics scope;
        final Map<String, String> scopeLabels;
        final Metric metric;

        Stream(Resource resource, ScopeMetrics scope, Map<String, String> scopeLabels, Metric metric) {
            this.resource = resource;
            this.scope = scope;
            this.scopeLabels = scopeLabels;
            this.metric = metric;
        }

        void translate() {
            switch (metric.getDataCase()) {
                case GAUGE -> {
                    String name = OtlpNames.metricName(metric.getName(), metric.getUnit(), OtlpNames.Kind.GAUGE);
                    for (NumberDataPoint p : metric.getGauge().getDataPointsList()) {
                        number(p, MetricType.GAUGE, name, false);
                    }
                }
                case SUM -> sum();
                case HISTOGRAM -> {
                    String name = OtlpNames.metricName(metric.getName(), metric.getUnit(), OtlpNames.Kind.OTHER);
                    AggregationTemporality temporality = metric.getHistogram().getAggregationTemporality();
                    for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
                        if (known(temporality, p.getFlags())) {
                            histogram(p, name, temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
                        }
                    }
                }
                case SUMMARY -> {
                    String name = OtlpNames.metricName(metric.getName(), metric.getUnit(), OtlpNames.Kind.OTHER);
                    for (SummaryDataPoint p : metric.getSummary().getDataPointsList()) {
                        summary(p, name);
                    }
                }
                case EXPONENTIAL_HISTOGRAM -> {
                    for (var p : metric.getExponentialHistogram().getDataPointsList()) {
                        if ((p.getFlags() & NO_RECORDED_VALUE) == 0) {
                            refuse(
                                    RejectReason.UNSUPPORTED,
                                    "exponential histogram " + metric.getName()
                                            + ": not taken yet (they will be native histograms); use explicit buckets",
                                    null);
                        }
                    }
                }
                case DATA_NOT_SET -> {}
            }
        }

        private void sum() {
            var sum = metric.getSum();
            boolean monotonic = sum.getIsMonotonic();
            String name = OtlpNames.metricName(
                    metric.getName(), metric.getUnit(), monotonic ? OtlpNames.Kind.COUNTER : OtlpNames.Kind.OTHER);
            AggregationTemporality temporality = sum.getAggregationTemporality();
            for (NumberDataPoint p : sum.getDataPointsList()) {
                if (known(temporality, p.getFlags())) {
                    number(
                            p,
                            monotonic ? MetricType.COUNTER : MetricType.GAUGE,
                            name,
                            temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
                }
            }
        }

        /** Whether the point carries a value of a known temporality (else it is refused or, valueless, skipped). */
        private boolean known(AggregationTemporality temporality, int flags) {
            if ((flags & NO_RECORDED_VALUE) != 0) {
                return false;
            }
            if (temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                    && temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE) {
                refuse(
                        RejectReason.UNSUPPORTED,
                        metric.getName() + ": aggregation temporality " + temporality
                                + " is neither delta nor cumulative",
                        null);
                return false;
            }
            return true;
        }

        private void number(NumberDataPoint p, MetricType type, String name, boolean delta) {
            if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
                return;
            }
            double value = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
            Sample sample = sample(type, name, p.getAttributesList(), delta).value(value);
            if (type == MetricType.GAUGE) {
                sample.op(delta ? GaugeOp.INC : GaugeOp.SET);
            }
            place(sample, delta, p.getAttributesList(), p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }

        private void histogram(HistogramDataPoint p, String name, boolean delta) {
            Sample sample = sample(MetricType.HISTOGRAM, name, p.getAttributesList(), delta);
            int bounds = p.getExplicitBoundsCount();
            if (p.getBucketCountsCount() != bounds + 1 || bounds == 0) {
                refuse(
                        RejectReason.INVALID_BUCKETS,
                        "histogram " + name + ": " + p.getBucketCountsCount() + " bucket counts for " + bounds
                                + " bounds (the gateway needs at least one bound, and a count per bound and one more)",
                        null);
                return;
            }
            double[] le = new double[bounds];
            long[] cumulative = new long[bounds];
            long running = 0;
            for (int i = 0; i <= bounds; i++) {
                long n = p.getBucketCounts(i);
                if (n < 0 || running + n < running) {
                    refuse(RejectReason.INVALID_BUCKETS, "histogram " + name + ": a bucket count overflows", null);
                    return;
                }
                running += n;
                if (i < bounds) {
                    le[i] = p.getExplicitBounds(i);
                    cumulative[i] = running;
                }
            }
            if (running != p.getCount()) {
                refuse(
                        RejectReason.INVALID_BUCKETS,
                        "histogram " + name + ": count " + Long.toUnsignedString(p.getCount())
                                + " is not the sum of its bucket counts " + running,
                        null);
                return;
            }
            sample.buckets(le).aggregateHistogram(le, cumulative, running, p.hasSum() ? p.getSum() : 0);
            place(sample, delta, p.getAttributesList(), p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }

        private void summary(SummaryDataPoint p, String name) {
            if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
                return;
            }
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
            if (p.getCount() < 0) {
                refuse(RejectReason.INVALID_VALUE, "summary " + name + ": its count overflows", null);
                return;
            }
            Sample sample = sample(MetricType.SUMMARY, name, p.getAttributesList(), false)
                    .aggregateSummary(targets, values, p.getCount(), p.getSum());
            place(sample, false, p.getAttributesList(), p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }

        /** A sample of this stream with the point's labels (attributes, promoted, scope, job, instance). */
        private Sample sample(MetricType type, String name, List<KeyValue> attributes, boolean delta) {
            Sample sample = new Sample().type(type).name(name);
            if (!metric.getDescription().isEmpty()) {
                sample.help(metric.getDescription());
            }
            Map<String, String> labels = labels(attributes);
            labels.putAll(resource.promoted);
            labels.putAll(scopeLabels);
            labels.put("job", resource.grouping.get("job"));
            if (!delta || settings.deltaInstance()) {
                labels.put("instance", resource.grouping.get("instance"));
            }
            labels.forEach(sample::label);
            return sample;
        }

        /** Checks the sample and adds it to the deltas (keyed) or to the resource's group. */
        private void place(Sample sample, boolean delta, List<KeyValue> attributes, long startNanos, long timeNanos) {
            SampleValidator.validate(sample);
            String tooLarge =
                    sample.isRejected() ? null : SampleValidator.checkSize(sample, settings.maxMessageBytes());
            if (sample.isRejected() || tooLarge != null) {
                refuse(
                        sample.isRejected() ? sample.rejection() : RejectReason.TOO_LARGE,
                        sample.isRejected() ? sample.error() : tooLarge,
                        sample);
                return;
            }
            if (!delta) {
                sample.labels().addEmptyIfAbsent("instance"); // as a Pushgateway group's series have
                if (!resource.groupSeries.add(identity(sample))) {
                    refuse(RejectReason.INVALID_MESSAGE, "series " + sample + " appears twice in the export", sample);
                    return;
                }
                resource.group.add(sample);
                resource.groupPoints++;
                points++;
                return;
            }
            if (timeNanos == 0) {
                refuse(
                        RejectReason.INVALID_MESSAGE,
                        "a delta point of " + metric.getName() + " without a time",
                        sample);
                return;
            }
            long pointMillis = Long.divideUnsigned(timeNanos, 1_000_000L);
            if (pointMillis < nowMillis - settings.windowMillis()) {
                refuse(
                        RejectReason.TOO_OLD,
                        "a delta point of " + metric.getName() + " older than the window ("
                                + settings.windowMillis() / 1000 + " s) in which a repeat is recognised",
                        sample);
                return;
            }
            deltas.add(new OtlpExport.Delta(sample, key(attributes, startNanos, timeNanos), pointMillis, points++));
        }

        /** The first 64 bits of a SHA-256 of the point's stream and times. */
        private long key(List<KeyValue> attributes, long startNanos, long timeNanos) {
            digest.reset();
            digest.update(resource.identity);
            update(scope.getScope().getName());
            update(scope.getScope().getVersion());
            update(metric.getName());
            for (KeyValue kv : attributes) {
                digest.update(kv.toByteArray());
                digest.update((byte) 0);
            }
            digest.update(ByteBuffer.allocate(16)
                    .putLong(startNanos)
                    .putLong(timeNanos)
                    .array());
            return ByteBuffer.wrap(digest.digest()).getLong();
        }

        private void update(String text) {
            digest.update(text.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }

        private void refuse(RejectReason reason, String error, Sample sample) {
            refused.add(new OtlpExport.Refused(points++, reason, Truncate.text(error, 400), sample));
        }
    }

    /** {@code target_info}: the resource's attributes but those that make its job and instance, and those promoted. */
    private Sample targetInfo(Resource resource) {
        if (!settings.targetInfo()) {
            return null;
        }
        Map<String, String> rest = new TreeMap<>(resource.attributes);
        rest.keySet().removeAll(Set.of(SERVICE_NAME, SERVICE_NAMESPACE, SERVICE_INSTANCE));
        rest.keySet().removeAll(settings.promoted());
        if (rest.isEmpty()) {
            return null;
        }
        Map<String, String> labels = labels(resource.metrics.getResource().getAttributesList().stream()
                .filter(kv -> rest.containsKey(kv.getKey()))
                .toList());
        labels.putAll(resource.grouping);
        Sample info = new Sample()
                .type(MetricType.GAUGE)
                .name("target_info")
                .help("Target metadata")
                .value(1)
                .op(GaugeOp.SET);
        labels.forEach(info::label);
        SampleValidator.validate(info);
        if (info.isRejected()) {
            return null;
        }
        info.labels().addEmptyIfAbsent("instance");
        return resource.groupSeries.contains(identity(info)) ? null : info;
    }

    /** A series' type, name and labels, to find one given twice. */
    private static String identity(Sample sample) {
        StringBuilder out =
                new StringBuilder(sample.type().wireName()).append(' ').append(sample.name());
        for (int i = 0; i < sample.labelCount(); i++) {
            out.append('\n').append(sample.labelName(i)).append('=').append(sample.labelValue(i));
        }
        return out.toString();
    }

    /** Attributes as labels: names made valid, the values of names that become the same joined by {@code ;}. */
    private static Map<String, String> labels(List<KeyValue> attributes) {
        TreeMap<String, String> byKey = new TreeMap<>(attributes(attributes));
        Map<String, String> labels = new TreeMap<>();
        byKey.forEach((key, value) -> {
            String name = OtlpNames.labelName(key);
            if (!name.isEmpty()) {
                labels.merge(name, value, (a, b) -> a + ";" + b);
            }
        });
        return labels;
    }

    private static Map<String, String> attributes(List<KeyValue> attributes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (KeyValue kv : attributes) {
            out.put(kv.getKey(), text(kv.getValue()));
        }
        return out;
    }

    /** An attribute's value as a label value: strings as they are, arrays and maps as JSON, bytes in base64. */
    static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case BYTES_VALUE ->
                Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
            case ARRAY_VALUE -> {
                StringBuilder out = new StringBuilder("[");
                for (AnyValue v : value.getArrayValue().getValuesList()) {
                    out.append(out.length() > 1 ? "," : "").append(json(v));
                }
                yield out.append(']').toString();
            }
            case KVLIST_VALUE -> {
                StringBuilder out = new StringBuilder("{");
                for (KeyValue kv : value.getKvlistValue().getValuesList()) {
                    out.append(out.length() > 1 ? "," : "")
                            .append(quote(kv.getKey()))
                            .append(':')
                            .append(json(kv.getValue()));
                }
                yield out.append('}').toString();
            }
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> ""; // a string table index is for profiles only
        };
    }

    private static String json(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE, BYTES_VALUE -> quote(text(value));
            case VALUE_NOT_SET -> "null";
            default -> text(value);
        };
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
