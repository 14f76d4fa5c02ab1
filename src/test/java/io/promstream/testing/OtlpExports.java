package io.promstream.testing;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;

/** OTLP exports built by hand, for tests that must send the very same bytes again. */
public final class OtlpExports {
    private OtlpExports() {}

    /** One delta counter point of {@code service} ({@code instance}: its {@code service.instance.id}, or null). */
    public static ExportMetricsServiceRequest deltaCounter(
            String service, String name, long value, long startNanos, long timeNanos, String instance) {
        Resource.Builder resource = Resource.newBuilder().addAttributes(attribute("service.name", service));
        if (instance != null) {
            resource.addAttributes(attribute("service.instance.id", instance));
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(resource)
                        .addScopeMetrics(ScopeMetrics.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName(""))
                                .addMetrics(Metric.newBuilder()
                                        .setName(name)
                                        .setSum(Sum.newBuilder()
                                                .setIsMonotonic(true)
                                                .setAggregationTemporality(
                                                        AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                                                .addDataPoints(NumberDataPoint.newBuilder()
                                                        .setStartTimeUnixNano(startNanos)
                                                        .setTimeUnixNano(timeNanos)
                                                        .setAsInt(value))))))
                .build();
    }

    public static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }
}
