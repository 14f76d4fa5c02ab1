package io.promstream.store;

import io.promstream.parse.Sample;
import java.time.InstantSource;
import java.util.function.LongSupplier;

/** Makes the new, unlinked series of a family's type, laid out as its first sample asks, with the store's settings. */
final class SeriesFactory {
    private final StoreSettings settings;
    private final InstantSource clock;
    private final LongSupplier appliedWatermark;

    SeriesFactory(StoreSettings settings, InstantSource clock, LongSupplier appliedWatermark) {
        this.settings = settings;
        this.clock = clock;
        this.appliedWatermark = appliedWatermark;
    }

    /** A new, unlinked series of the family's type, laid out as the sample asks. */
    Series newSeries(Family family, LabelSet labels, Sample sample, long nowMillis) {
        return switch (family.type()) {
            case COUNTER -> new CounterSeries(labels, nowMillis);
            case GAUGE -> new GaugeSeries(labels, nowMillis, appliedWatermark);
            case UNTYPED -> new UntypedSeries(labels, nowMillis);
            case HISTOGRAM -> {
                int schema = settings.nativeDefaults().schemaFor(family.name(), sample);
                yield sample.nativeHistogram() != null || schema != Sample.NO_SCHEMA
                        ? new NativeHistogramSeries(
                                labels,
                                nowMillis,
                                NativeHistogramSeries.layoutOf(sample, schema),
                                settings.nativeMaxBuckets())
                        : new HistogramSeries(labels, nowMillis, HistogramSeries.layoutOf(sample));
            }
            case SUMMARY -> {
                double[][] targets = SummarySeries.targetsOf(sample);
                yield new SummarySeries(
                        labels,
                        nowMillis,
                        new QuantileWindow(
                                targets[0],
                                targets[1],
                                settings.summaryMaxAgeMillis(),
                                settings.summaryAgeBuckets(),
                                clock));
            }
        };
    }
}
