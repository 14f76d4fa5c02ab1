package io.promstream.parse.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
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
import io.promstream.parse.SeriesText;
import io.promstream.parse.Truncate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns an OTLP export into what the store applies (docs/otlp.md): delta sums and histograms into samples added
 * across producers, each keyed by its stream (resource, scope, name, attributes) and its start and end time; every
 * other point into its resource's group, taken as pushed. Points it cannot take are refused with a reason, never
 * dropped silently. One export per instance; not thread-safe.
 */
public final class OtlpTranslator {
    /** {@code DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK}: the point carries no value. */
    private static final int NO_RECORDED_VALUE = 1;

    private static final AggregationTemporality DELTA = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;

    private final OtlpSettings settings;
    private final long nowMillis;
    private final PointKeys keys = new PointKeys();
    private final List<OtlpExport.Delta> deltas = new ArrayList<>();
    private final List<OtlpExport.Group> groups = new ArrayList<>();
    private final List<OtlpExport.Refused> refused = new ArrayList<>();
    private int points;

    private OtlpTranslator(OtlpSettings settings, long nowMillis) {
        this.settings = settings;
        this.nowMillis = nowMillis;
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

    private void resource(ResourceMetrics metrics) {
        OtlpResourcePoints resource = new OtlpResourcePoints(metrics, settings.promoted());
        for (ScopeMetrics scope : metrics.getScopeMetricsList()) {
            Map<String, String> scopeLabels = OtlpLabels.scope(scope.getScope());
            for (Metric metric : scope.getMetricsList()) {
                new Stream(resource, scope, scopeLabels, metric).translate();
            }
        }
        if (resource.group.isEmpty()) {
            return;
        }
        Sample info = settings.targetInfo()
                ? OtlpLabels.targetInfo(
                        resource.metrics.getResource().getAttributesList(), resource.grouping, settings.promoted())
                : null;
        if (info != null && !resource.groupSeries.contains(OtlpLabels.identity(info))) {
            resource.group.add(info);
        }
        groups.add(new OtlpExport.Group(resource.grouping, resource.group, resource.groupPoints));
    }

    /** One metric of a scope of a resource: its points translated by its kind and temporality. */
    private final class Stream {
        final OtlpResourcePoints resource;
        final ScopeMetrics scope;
        final Map<String, String> scopeLabels;
        final Metric metric;

        Stream(OtlpResourcePoints resource, ScopeMetrics scope, Map<String, String> scopeLabels, Metric metric) {
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
                            histogram(p, name, temporality == DELTA);
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
                    String name = OtlpNames.metricName(metric.getName(), metric.getUnit(), OtlpNames.Kind.OTHER);
                    var exponential = metric.getExponentialHistogram();
                    for (ExponentialHistogramDataPoint p : exponential.getDataPointsList()) {
                        if (known(exponential.getAggregationTemporality(), p.getFlags())) {
                            exponential(p, name, exponential.getAggregationTemporality() == DELTA);
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
                    number(p, monotonic ? MetricType.COUNTER : MetricType.GAUGE, name, temporality == DELTA);
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
            whole(
                    p.getAttributesList(),
                    p.getStartTimeUnixNano(),
                    p.getTimeUnixNano(),
                    name,
                    delta,
                    s -> OtlpValues.histogram(p, name, s));
        }

        /** An exponential histogram as a native histogram (OTLP scale = schema; docs/otlp.md). */
        private void exponential(ExponentialHistogramDataPoint p, String name, boolean delta) {
            whole(
                    p.getAttributesList(),
                    p.getStartTimeUnixNano(),
                    p.getTimeUnixNano(),
                    name,
                    delta,
                    s -> OtlpValues.exponential(p, name, s));
        }

        /** A histogram point, whose sample {@code fill} makes whole (or says why not). */
        private void whole(
                List<KeyValue> attributes,
                long start,
                long time,
                String name,
                boolean delta,
                Function<Sample, String> fill) {
            Sample sample = sample(MetricType.HISTOGRAM, name, attributes, delta);
            String error = fill.apply(sample);
            if (error != null) {
                refuse(RejectReason.INVALID_BUCKETS, error, null);
                return;
            }
            place(sample, delta, attributes, start, time);
        }

        private void summary(SummaryDataPoint p, String name) {
            if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
                return;
            }
            if (p.getCount() < 0) {
                refuse(RejectReason.INVALID_VALUE, "summary " + name + ": its count overflows", null);
                return;
            }
            Sample sample = sample(MetricType.SUMMARY, name, p.getAttributesList(), false);
            OtlpValues.summary(p, sample);
            place(sample, false, p.getAttributesList(), p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }

        /** A sample of this stream with the point's labels (attributes, promoted, scope, job, instance). */
        private Sample sample(MetricType type, String name, List<KeyValue> attributes, boolean delta) {
            Sample sample = new Sample().type(type).name(name);
            if (!metric.getDescription().isEmpty()) {
                sample.help(metric.getDescription());
            }
            Map<String, String> labels = OtlpLabels.of(attributes);
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
                if (!resource.groupSeries.add(OtlpLabels.identity(sample))) {
                    refuse(
                            RejectReason.INVALID_MESSAGE,
                            "series " + SeriesText.of(sample) + " appears twice in the export",
                            sample);
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
            deltas.add(new OtlpExport.Delta(
                    sample,
                    keys.of(resource.identity, scope.getScope(), metric.getName(), attributes, startNanos, timeNanos),
                    pointMillis,
                    points++));
        }

        private void refuse(RejectReason reason, String error, Sample sample) {
            refused.add(new OtlpExport.Refused(points++, reason, Truncate.text(error, 400), sample));
        }
    }
}
