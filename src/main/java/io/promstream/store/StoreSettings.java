package io.promstream.store;

/**
 * Limits and windows of a {@link MetricStore}.
 *
 * @param maxSeries cardinality cap across all families
 * @param summaryMaxAgeMillis how much history a summary's quantiles cover
 * @param summaryAgeBuckets how many steps that window slides in
 */
public record StoreSettings(int maxSeries, long summaryMaxAgeMillis, int summaryAgeBuckets) {
    public static StoreSettings defaults() {
        return new StoreSettings(1_000_000, 600_000, 5);
    }
}
