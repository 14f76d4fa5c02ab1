package io.promstream.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A short-lived process as the OpenTelemetry Java SDK reports from one (a Lambda function, a cron job): a meter
 * provider of its own with a resource, an OTLP/HTTP exporter (protobuf) to the gateway, what {@code work} records,
 * then a flush and a shutdown; nothing waits on the reader's timer.
 */
public final class OtelJavaProcess {
    private OtelJavaProcess() {}

    /** Whether the process's counters and histograms report deltas or cumulative totals. */
    public enum Temporality {
        DELTA,
        CUMULATIVE
    }

    /**
     * Runs one process: {@code work} records on its meter; the export must succeed.
     *
     * @param headers name, value, name, value... (e.g. {@code Authorization})
     */
    public static void run(
            String endpoint, String service, Temporality temporality, Consumer<Meter> work, String... headers) {
        run(endpoint, service, UUID.randomUUID().toString(), temporality, false, work, headers);
    }

    public static void run(
            String endpoint,
            String service,
            String instance,
            Temporality temporality,
            boolean gzip,
            Consumer<Meter> work,
            String... headers) {
        OtlpHttpMetricExporterBuilder exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint(endpoint)
                .setTimeout(Duration.ofSeconds(10))
                .setAggregationTemporalitySelector(
                        temporality == Temporality.DELTA
                                ? AggregationTemporalitySelector.deltaPreferred()
                                : AggregationTemporalitySelector.alwaysCumulative());
        if (gzip) {
            exporter.setCompression("gzip");
        }
        for (int i = 0; i < headers.length; i += 2) {
            exporter.addHeader(headers[i], headers[i + 1]);
        }
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), service,
                        AttributeKey.stringKey("service.instance.id"), instance,
                        AttributeKey.stringKey("cloud.region"), "eu-west-1")));
        SdkMeterProvider provider = SdkMeterProvider.builder()
                .setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(exporter.build())
                        .setInterval(Duration.ofHours(1))
                        .build())
                .build();
        try {
            work.accept(provider.get("otel-java-process"));
            CompletableResultCode flushed = provider.forceFlush().join(15, TimeUnit.SECONDS);
            if (!flushed.isSuccess()) {
                throw new AssertionError("the export to " + endpoint + " failed");
            }
        } finally {
            provider.shutdown().join(15, TimeUnit.SECONDS);
        }
    }

    /** Histogram bounds the processes use. */
    public static final List<Double> BOUNDS = List.of(0.1, 0.5, 1.0, 5.0);
}
