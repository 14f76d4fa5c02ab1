package io.promstream.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeds of the OTLP fuzz target ({@code SampleFuzzTestInputs/otlpExport/}): exports of every kind of point in both
 * encodings, and broken ones. {@code HostileCorpusTest} checks the committed files match.
 */
final class OtlpCorpus {
    /** The harness' clock, in nanoseconds: delta points of the seeds are that recent. */
    private static final long NOW = IngestHarness.NOW_MILLIS * 1_000_000L;

    private OtlpCorpus() {}

    static List<HostileCorpus.Entry> entries() {
        List<HostileCorpus.Entry> out = new ArrayList<>();
        ExportMetricsServiceRequest all = export(
                sum("requests", true, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, 3),
                sum("runs", true, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, 7),
                sum("in.flight", false, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, -2),
                Metric.newBuilder()
                        .setName("temperature")
                        .setUnit("Cel")
                        .setGauge(Gauge.newBuilder().addDataPoints(point(21.5)))
                        .build(),
                histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, 6),
                histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, 6),
                Metric.newBuilder()
                        .setName("rpc.latency")
                        .setSummary(Summary.newBuilder()
                                .addDataPoints(SummaryDataPoint.newBuilder()
                                        .setTimeUnixNano(NOW)
                                        .setCount(2)
                                        .setSum(3)
                                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
                                                .setQuantile(0.5)
                                                .setValue(1))))
                        .build());
        out.add(entry("all-kinds.pb", all.toByteArray()));
        out.add(entry("all-kinds.json", json(all)));
        out.add(entry(
                "refused.pb",
                export(
                                histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, 5), // count != buckets
                                Metric.newBuilder()
                                        .setName("sizes")
                                        .setExponentialHistogram(ExponentialHistogram.newBuilder()
                                                .setAggregationTemporality(
                                                        AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                                                .addDataPoints(ExponentialHistogramDataPoint.newBuilder()
                                                        .setTimeUnixNano(NOW)
                                                        .setCount(1)))
                                        .build(),
                                sum("c", true, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, -1))
                        .toByteArray()));
        out.add(entry("not-an-export", "{\"resourceMetrics\": 7".getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private static HostileCorpus.Entry entry(String name, byte[] bytes) {
        return new HostileCorpus.Entry(name, bytes, null, List.of());
    }

    private static byte[] json(ExportMetricsServiceRequest request) {
        try {
            return JsonFormat.printer().print(request).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExportMetricsServiceRequest export(Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder()
                                .addAttributes(kv("service.name", "fuzz"))
                                .addAttributes(kv("service.instance.id", "i"))
                                .addAttributes(kv("cloud.region", "r")))
                        .addScopeMetrics(ScopeMetrics.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName("lib"))
                                .addAllMetrics(List.of(metrics))))
                .build();
    }

    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static NumberDataPoint.Builder point(double value) {
        return NumberDataPoint.newBuilder()
                .setStartTimeUnixNano(NOW - 1_000_000_000L)
                .setTimeUnixNano(NOW)
                .setAsDouble(value)
                .addAttributes(kv("route", "/a"));
    }

    private static Metric sum(String name, boolean monotonic, AggregationTemporality temporality, double value) {
        return Metric.newBuilder()
                .setName(name)
                .setSum(Sum.newBuilder()
                        .setIsMonotonic(monotonic)
                        .setAggregationTemporality(temporality)
                        .addDataPoints(point(value)))
                .build();
    }

    private static Metric histogram(AggregationTemporality temporality, long count) {
        return Metric.newBuilder()
                .setName("latency." + temporality.getNumber())
                .setUnit("s")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(temporality)
                        .addDataPoints(HistogramDataPoint.newBuilder()
                                .setStartTimeUnixNano(NOW - 1_000_000_000L)
                                .setTimeUnixNano(NOW)
                                .setCount(count)
                                .setSum(9.5)
                                .addAllExplicitBounds(List.of(0.1, 1.0))
                                .addAllBucketCounts(List.of(1L, 2L, 3L))))
                .build();
    }
}
