package io.promstream.parse.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
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
import io.promstream.parse.GaugeOp;
import io.promstream.parse.MetricType;
import io.promstream.parse.NativeHistogram;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** OTLP exports into samples: by kind and temporality, names and labels, keys, and what is refused. */
class OtlpTranslatorTest {
    private static final long NOW_MILLIS = 1_800_000_000_000L;
    private static final long NOW = NOW_MILLIS * 1_000_000L;
    private static final AggregationTemporality DELTA = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    private static final AggregationTemporality CUMULATIVE = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    private final OtlpSettings settings = OtlpSettings.defaults();

    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static ExportMetricsServiceRequest export(List<KeyValue> resource, Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAllAttributes(resource))
                        .addScopeMetrics(ScopeMetrics.newBuilder()
                                .setScope(InstrumentationScope.newBuilder()
                                        .setName("lib")
                                        .setVersion("1.2"))
                                .addAllMetrics(List.of(metrics))))
                .build();
    }

    private static final List<KeyValue> LAMBDA = List.of(
            kv("service.name", "checkout"),
            kv("service.namespace", "shop"),
            kv("service.instance.id", "i-1"),
            kv("cloud.region", "eu-west-1"),
            kv("faas.name", "fn"));

    private static NumberDataPoint.Builder point(double value, long time, KeyValue... attributes) {
        return NumberDataPoint.newBuilder()
                .setStartTimeUnixNano(time - 1_000_000_000L)
                .setTimeUnixNano(time)
                .setAsDouble(value)
                .addAllAttributes(List.of(attributes));
    }

    private static Metric sum(
            String name, String unit, boolean monotonic, AggregationTemporality t, NumberDataPoint.Builder... points) {
        Sum.Builder sum = Sum.newBuilder().setIsMonotonic(monotonic).setAggregationTemporality(t);
        for (NumberDataPoint.Builder p : points) {
            sum.addDataPoints(p);
        }
        return Metric.newBuilder().setName(name).setUnit(unit).setSum(sum).build();
    }

    private static String labels(Sample s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.labelCount(); i++) {
            out.append(s.labelName(i)).append('=').append(s.labelValue(i)).append(',');
        }
        return out.toString();
    }

    @Test
    void deltaSumsAreAddedWithoutInstanceAndKeyedByStreamAndTime() {
        OtlpExport out = OtlpTranslator.translate(
                export(LAMBDA, sum("http.requests", "{request}", true, DELTA, point(3, NOW, kv("http.method", "GET")))),
                settings,
                NOW_MILLIS);
        assertThat(out.groups()).isEmpty();
        assertThat(out.deltas()).hasSize(1);
        Sample s = out.deltas().get(0).sample();
        assertThat(s.type()).isEqualTo(MetricType.COUNTER);
        assertThat(s.name()).isEqualTo("http_requests_total");
        assertThat(s.value()).isEqualTo(3);
        assertThat(labels(s))
                .isEqualTo("http_method=GET,job=shop/checkout,otel_scope_name=lib,otel_scope_version=1.2,");
        assertThat(out.deltas().get(0).pointMillis()).isEqualTo(NOW_MILLIS);

        long key = out.deltas().get(0).key();
        OtlpExport again = OtlpTranslator.translate(
                export(LAMBDA, sum("http.requests", "{request}", true, DELTA, point(3, NOW, kv("http.method", "GET")))),
                settings,
                NOW_MILLIS + 5_000);
        assertThat(again.deltas().get(0).key()).as("a repeat has the same key").isEqualTo(key);
        OtlpExport later = OtlpTranslator.translate(
                export(
                        LAMBDA,
                        sum("http.requests", "{request}", true, DELTA, point(3, NOW + 1, kv("http.method", "GET")))),
                settings,
                NOW_MILLIS);
        assertThat(later.deltas().get(0).key()).as("another interval").isNotEqualTo(key);
        OtlpExport otherAttributes = OtlpTranslator.translate(
                export(LAMBDA, sum("http.requests", "{request}", true, DELTA, point(3, NOW, kv("http.method", "PUT")))),
                settings,
                NOW_MILLIS);
        assertThat(otherAttributes.deltas().get(0).key()).isNotEqualTo(key);
    }

    @Test
    void deltaUpDownCountersAreGaugeIncrementsAndInstanceCanBeKept() {
        OtlpSettings keep = new OtlpSettings(settings.windowMillis(), true, Set.of("cloud.region"), true, 65_536);
        OtlpExport out = OtlpTranslator.translate(
                export(LAMBDA, sum("queue.depth", "", false, DELTA, point(-2, NOW))), keep, NOW_MILLIS);
        Sample s = out.deltas().get(0).sample();
        assertThat(s.type()).isEqualTo(MetricType.GAUGE);
        assertThat(s.op()).isEqualTo(GaugeOp.INC);
        assertThat(s.value()).isEqualTo(-2);
        assertThat(labels(s)).contains("cloud_region=eu-west-1,", "instance=i-1,");
    }

    @Test
    void cumulativePointsGaugesAndSummariesAreTheResourcesGroupWithTargetInfo() {
        Metric gauge = Metric.newBuilder()
                .setName("cpu.utilization")
                .setUnit("1")
                .setDescription("CPU in use.")
                .setGauge(Gauge.newBuilder().addDataPoints(point(0.5, NOW)))
                .build();
        Metric summary = Metric.newBuilder()
                .setName("rpc.latency")
                .setUnit("ms")
                .setSummary(Summary.newBuilder()
                        .addDataPoints(SummaryDataPoint.newBuilder()
                                .setTimeUnixNano(NOW)
                                .setCount(4)
                                .setSum(10)
                                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
                                        .setQuantile(0.99)
                                        .setValue(9))
                                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
                                        .setQuantile(0.5)
                                        .setValue(2))))
                .build();
        OtlpExport out = OtlpTranslator.translate(
                export(LAMBDA, sum("runs", "", true, CUMULATIVE, point(7, NOW)), gauge, summary), settings, NOW_MILLIS);
        assertThat(out.deltas()).isEmpty();
        assertThat(out.groups()).hasSize(1);
        OtlpExport.Group group = out.groups().get(0);
        assertThat(group.grouping()).containsEntry("job", "shop/checkout").containsEntry("instance", "i-1");
        assertThat(group.points()).isEqualTo(3);
        assertThat(group.samples())
                .extracting(Sample::name)
                .containsExactly("runs_total", "cpu_utilization_ratio", "rpc_latency_milliseconds", "target_info");
        assertThat(group.samples().get(1).op()).isEqualTo(GaugeOp.SET);
        assertThat(group.samples().get(1).help()).isEqualTo("CPU in use.");
        assertThat(group.samples().get(2).quantiles().array()).startsWith(0.5, 0.99);
        Sample info = group.samples().get(3);
        assertThat(labels(info)).isEqualTo("cloud_region=eu-west-1,faas_name=fn,instance=i-1,job=shop/checkout,");
    }

    @Test
    void deltaHistogramsBecomeWholeHistogramsWithCumulativeBuckets() {
        Metric histogram = Metric.newBuilder()
                .setName("latency")
                .setUnit("s")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(DELTA)
                        .addDataPoints(HistogramDataPoint.newBuilder()
                                .setTimeUnixNano(NOW)
                                .setCount(6)
                                .setSum(9.5)
                                .addAllExplicitBounds(List.of(0.1, 1.0))
                                .addAllBucketCounts(List.of(1L, 2L, 3L))))
                .build();
        OtlpExport out = OtlpTranslator.translate(export(LAMBDA, histogram), settings, NOW_MILLIS);
        Sample s = out.deltas().get(0).sample();
        assertThat(s.name()).isEqualTo("latency_seconds");
        assertThat(s.buckets().array()).startsWith(0.1, 1.0);
        assertThat(s.aggregate().cumulative()).containsExactly(1, 3);
        assertThat(s.aggregate().count()).isEqualTo(6);
        assertThat(s.aggregate().sum()).isEqualTo(9.5);
    }

    @Test
    void exponentialHistogramsBecomeNativeHistogramsOfTheirScale() {
        Metric exponential = Metric.newBuilder()
                .setName("payload")
                .setUnit("By")
                .setExponentialHistogram(ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(DELTA)
                        .addDataPoints(ExponentialHistogramDataPoint.newBuilder()
                                .setTimeUnixNano(NOW)
                                .setScale(2)
                                .setCount(7)
                                .setSum(40)
                                .setZeroCount(1)
                                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder()
                                        .setOffset(-1)
                                        .addAllBucketCounts(List.of(2L, 0L, 3L)))
                                .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder()
                                        .setOffset(4)
                                        .addBucketCounts(1))))
                .build();
        OtlpExport out = OtlpTranslator.translate(export(LAMBDA, exponential), settings, NOW_MILLIS);
        assertThat(out.refused()).isEmpty();
        Sample s = out.deltas().get(0).sample();
        assertThat(s.name()).isEqualTo("payload_bytes");
        NativeHistogram h = s.nativeHistogram();
        assertThat(h.schema()).isEqualTo(2);
        assertThat(h.count()).isEqualTo(7);
        assertThat(h.zeroCount()).isEqualTo(1);
        // OTLP bucket offset+k holds (base^(offset+k), base^(offset+k+1)]: Prometheus' bucket offset+k+1
        assertThat(h.positive().size()).isEqualTo(2);
        assertThat(h.positive().index(0)).isZero();
        assertThat(h.positive().count(0)).isEqualTo(2);
        assertThat(h.positive().index(1)).isEqualTo(2);
        assertThat(h.negative().index(0)).isEqualTo(5);
    }

    @Test
    void whatCannotBeTakenIsRefusedWithAReasonNeverDropped() {
        Metric exponential = Metric.newBuilder()
                .setName("sizes")
                .setExponentialHistogram(ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(DELTA)
                        .addDataPoints(ExponentialHistogramDataPoint.newBuilder()
                                .setTimeUnixNano(NOW)
                                .setScale(-5)
                                .setCount(1)))
                .build();
        Metric badCount = Metric.newBuilder()
                .setName("h")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(CUMULATIVE)
                        .addDataPoints(HistogramDataPoint.newBuilder()
                                .setTimeUnixNano(NOW)
                                .setCount(5)
                                .addExplicitBounds(1)
                                .addAllBucketCounts(List.of(1L, 1L))))
                .build();
        OtlpExport out = OtlpTranslator.translate(
                export(
                        LAMBDA,
                        exponential,
                        badCount,
                        sum("old", "", true, DELTA, point(1, NOW - 16 * 60_000_000_000L)),
                        sum("no.time", "", true, DELTA, point(1, NOW).setTimeUnixNano(0)),
                        sum(
                                "unknown",
                                "",
                                true,
                                AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED,
                                point(1, NOW)),
                        sum("negative", "", true, CUMULATIVE, point(-1, NOW)),
                        sum("novalue", "", true, DELTA, point(1, NOW).setFlags(1))),
                settings,
                NOW_MILLIS);
        assertThat(out.refused())
                .extracting(OtlpExport.Refused::reason)
                .containsExactly(
                        RejectReason.INVALID_BUCKETS,
                        RejectReason.INVALID_BUCKETS,
                        RejectReason.TOO_OLD,
                        RejectReason.INVALID_MESSAGE,
                        RejectReason.UNSUPPORTED,
                        RejectReason.INVALID_VALUE);
        assertThat(out.refused()).extracting(OtlpExport.Refused::index).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(out.deltas()).isEmpty();
        assertThat(out.groups()).isEmpty();
        assertThat(out.points()).isEqualTo(6);
    }

    @Test
    void attributesThatBecomeOneLabelAreJoinedAndValuesOfEveryKindAreText() {
        KeyValue list = KeyValue.newBuilder()
                .setKey("tags")
                .setValue(AnyValue.newBuilder()
                        .setArrayValue(ArrayValue.newBuilder()
                                .addValues(AnyValue.newBuilder().setStringValue("a\"b"))
                                .addValues(AnyValue.newBuilder().setIntValue(2))
                                .addValues(AnyValue.newBuilder().setBoolValue(true))))
                .build();
        OtlpExport out = OtlpTranslator.translate(
                export(
                        List.of(kv("service.name", "svc")),
                        sum("c", "", true, DELTA, point(1, NOW, kv("a.b", "1"), kv("a-b", "2"), list))),
                settings,
                NOW_MILLIS);
        assertThat(labels(out.deltas().get(0).sample()))
                .isEqualTo("a_b=2;1,job=svc,otel_scope_name=lib,otel_scope_version=1.2,tags=[\"a\\\"b\",2,true],");
    }

    @Test
    void jsonAndProtobufDecodeToTheSameExport() throws Exception {
        ExportMetricsServiceRequest request =
                export(LAMBDA, sum("http.requests", "{request}", true, DELTA, point(3, NOW)));
        String json = "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"checkout\"}}]},\"scopeMetrics\":[{\"metrics\":[{\"name\":\"x\",\"sum\":"
                + "{\"isMonotonic\":true,\"aggregationTemporality\":1,\"dataPoints\":[{\"timeUnixNano\":\"" + NOW
                + "\",\"asInt\":\"3\",\"unknownField\":1}]}}]}]}]}";
        ExportMetricsServiceRequest fromJson =
                OtlpCodec.decode(json.getBytes(StandardCharsets.UTF_8), OtlpCodec.Encoding.JSON);
        assertThat(fromJson.getResourceMetrics(0)
                        .getScopeMetrics(0)
                        .getMetrics(0)
                        .getSum()
                        .getDataPoints(0)
                        .getAsInt())
                .isEqualTo(3);
        assertThat(OtlpCodec.decode(request.toByteArray(), OtlpCodec.Encoding.PROTOBUF))
                .isEqualTo(request);
        assertThat(OtlpCodec.Encoding.of("application/x-protobuf; charset=utf-8"))
                .isEqualTo(OtlpCodec.Encoding.PROTOBUF);
        assertThat(OtlpCodec.Encoding.of("text/plain")).isNull();
    }
}
