package io.promstream.store;

import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Applies one valid sample to its partition's series of its labels, found without locking (a thread's reusable
 * probe) or created with its family under the cap; a series removed meanwhile is retried on a fresh one.
 */
final class SampleApplier {
    private final FamilyRegistry families;
    private final SeriesCap cap;
    private final SeriesFactory factory;
    private final LongAdder bucketMismatches = new LongAdder();
    private final ThreadLocal<LabelProbe> probes = ThreadLocal.withInitial(LabelProbe::new);

    SampleApplier(FamilyRegistry families, SeriesCap cap, SeriesFactory factory) {
        this.families = families;
        this.cap = cap;
        this.factory = factory;
    }

    /** {@link MetricStore#apply}: {@code null} when applied, else why not. */
    Refusal apply(Sample sample, long version, long nowMillis, Partition partition) {
        while (true) {
            Family family = families.existing(sample);
            if (family == null) {
                FamilyRegistry.Resolution resolution = families.resolve(sample);
                if (resolution.refusal() != null) {
                    return resolution.refusal();
                }
                family = resolution.family();
            }
            if (families.drops(family)) {
                return null;
            }
            family.rule().shape(sample);
            family.offerHelp(sample.help());
            Series series = family.find(probe(sample), partition);
            if (series == null) {
                Refusal overQuota = quotaRefusal(family, 1);
                overQuota =
                        overQuota != null ? overQuota : families.credentials().refusal(sample.credential(), 1);
                if (overQuota != null) {
                    return overQuota;
                }
                if (!cap.reserve(1)) {
                    return new Refusal(
                            RejectReason.SERIES_LIMIT,
                            "series limit of " + cap.max() + " reached; not creating " + sample.name());
                }
                LabelSet labels = family.labelsOf(sample);
                Series created = factory.newSeries(family, labels, sample, nowMillis);
                series = family.add(labels, partition, created);
                if (series != created) {
                    cap.adjust(-1);
                } else {
                    families.credentials().created(sample.credential(), created);
                }
                if (series == null) {
                    continue; // the family was retired meanwhile: look it up again
                }
            }
            Series.Applied result = series.apply(sample, version, nowMillis);
            if (result != Series.Applied.REMOVED) {
                return settle(result);
            }
            cap.unlink(family, series); // removed by a reset or expiry meanwhile: retry on a fresh series
        }
    }

    /** The partition's series of a valid sample's labels (shaped by its family's rule), or {@code null}. */
    Series find(Sample sample, Partition partition) {
        Family family = families.existing(sample);
        if (family == null || family.rule().drop()) {
            return null;
        }
        family.rule().shape(sample);
        return family.find(probe(sample), partition);
    }

    /**
     * Why the series a push would create ({@code created}, by family) may not all be: a family's quota, then the
     * quota of the credential the push's samples share; or {@code null}.
     */
    static Refusal quotaRefusal(Map<Family, Integer> created, CredentialQuotas credentials, List<Sample> samples) {
        int total = 0;
        for (Map.Entry<Family, Integer> entry : created.entrySet()) {
            Refusal refusal = quotaRefusal(entry.getKey(), entry.getValue());
            if (refusal != null) {
                return refusal;
            }
            total += entry.getValue();
        }
        return total == 0 ? null : credentials.refusal(samples.get(0).credential(), total);
    }

    /** Why {@code n} more series may not be created in the family under its own quota, or {@code null}. */
    static Refusal quotaRefusal(Family family, int n) {
        FamilyRule rule = family.rule();
        if (rule.limits() && family.size() > rule.maxSeries() - n) {
            return new Refusal(
                    RejectReason.FAMILY_SERIES_LIMIT,
                    "family " + family.name() + " holds its quota of " + rule.maxSeries()
                            + " series (aggregation.familyRules \"" + rule.families() + "\")");
        }
        return null;
    }

    /** {@link #apply} for a sample of a series {@link #find} gave; when it was removed meanwhile, the full path. */
    Refusal applyTo(Series series, Sample sample, long version, long nowMillis, Partition partition) {
        Series.Applied result = series.apply(sample, version, nowMillis);
        if (result != Series.Applied.REMOVED) {
            return settle(result);
        }
        return apply(sample, version, nowMillis, partition);
    }

    /** What a series' outcome means: {@code null} when applied, else why not; counts layout mismatches. */
    Refusal settle(Series.Applied result) {
        if (result == Series.Applied.MISMATCH) {
            bucketMismatches.increment();
        }
        return refusalOf(result);
    }

    /** Why a series did not (or would not) take a sample, or {@code null} when it did. */
    static Refusal refusalOf(Series.Applied result) {
        return switch (result) {
            case OK, MISMATCH -> null;
            case REFUSED ->
                new Refusal(RejectReason.INVALID_BUCKETS, "bucket layout differs from the existing series'");
            case OVERFLOW ->
                new Refusal(
                        RejectReason.INVALID_VALUE, "the series' value or sum would overflow to infinity (or be NaN)");
            case HELD ->
                new Refusal(
                        RejectReason.TYPE_CONFLICT,
                        "the series belongs to a Pushgateway-style group: "
                                + "pushes to its grouping key replace it; it is not aggregated");
            case REMOVED -> throw new IllegalArgumentException("a removed series is retried, not settled");
        };
    }

    /** The probe of this thread, wrapping the sample's labels for a look-up in a family's series map. */
    Object probe(Sample sample) {
        return probes.get().wrap(sample);
    }

    /** How many applied samples named another bucket or quantile layout than their series'. */
    long bucketMismatches() {
        return bucketMismatches.sum();
    }
}
