package io.promstream.store;

/**
 * Limits and windows of a {@link MetricStore}.
 *
 * @param maxSeries cardinality cap across all families
 * @param summaryMaxAgeMillis how much history a summary's quantiles cover
 * @param summaryAgeBuckets how many steps that window slides in
 * @param seenKeysPerShard how many keys of points applied once a partition keeps at most ({@link SeenKeys})
 * @param nativeMaxBuckets how many buckets a native histogram may populate before its resolution is halved
 * @param nativeDefaults which histogram families are native by default
 * @param rules the families' rules and the credentials' quotas ({@code aggregation.familyRules}, {@code
 *     aggregation.credentialQuotas})
 */
public record StoreSettings(
        int maxSeries,
        long summaryMaxAgeMillis,
        int summaryAgeBuckets,
        int seenKeysPerShard,
        int nativeMaxBuckets,
        NativeDefaults nativeDefaults,
        StoreRules rules) {
    /** The default of {@code nativeMaxBuckets}: client_golang's. */
    public static final int NATIVE_MAX_BUCKETS = 160;

    /** The default of {@code seenKeysPerShard}. */
    public static final int SEEN_KEYS_PER_SHARD = 1_000_000;

    public StoreSettings(int maxSeries, long summaryMaxAgeMillis, int summaryAgeBuckets) {
        this(
                maxSeries,
                summaryMaxAgeMillis,
                summaryAgeBuckets,
                SEEN_KEYS_PER_SHARD,
                NATIVE_MAX_BUCKETS,
                NativeDefaults.NONE,
                StoreRules.NONE);
    }

    public static StoreSettings defaults() {
        return new StoreSettings(1_000_000, 600_000, 5);
    }
}
