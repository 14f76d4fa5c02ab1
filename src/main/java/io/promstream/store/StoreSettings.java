package io.promstream.store;

/**
 * Limits and windows of a {@link MetricStore}.
 *
 * @param maxSeries cardinality cap across all families
 * @param summaryMaxAgeMillis how much history a summary's quantiles cover
 * @param summaryAgeBuckets how many steps that window slides in
 * @param seenKeysPerShard how many keys of points applied once a partition keeps at most ({@link SeenKeys})
 */
public record StoreSettings(int maxSeries, long summaryMaxAgeMillis, int summaryAgeBuckets, int seenKeysPerShard) {
    /** The default of {@code seenKeysPerShard}. */
    public static final int SEEN_KEYS_PER_SHARD = 1_000_000;

    public StoreSettings(int maxSeries, long summaryMaxAgeMillis, int summaryAgeBuckets) {
        this(maxSeries, summaryMaxAgeMillis, summaryAgeBuckets, SEEN_KEYS_PER_SHARD);
    }

    public static StoreSettings defaults() {
        return new StoreSettings(1_000_000, 600_000, 5);
    }
}
