package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.promstream.parse.SampleParser;
import io.promstream.store.CredentialQuotas;
import io.promstream.store.FamilyRule;
import io.promstream.store.FamilyRules;
import io.promstream.store.MetricStore;
import io.promstream.store.NativeDefaults;
import io.promstream.store.SeriesExpirer;
import io.promstream.store.StoreRules;
import io.promstream.store.StoreSettings;
import io.promstream.store.TtlRules;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** The {@code aggregation} section: limits, series TTL and summary windows. Builds the store and the parser. */
public class AggregationFactory {
    @NotNull
    private Duration seriesTtl = Duration.seconds(0);

    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    private Duration expiryInterval = Duration.seconds(10);

    @Min(1)
    private int maxSeries = 1_000_000;

    @Valid
    @NotNull
    private List<TtlRuleFactory> ttlRules = List.of();

    @Valid
    @NotNull
    private List<FamilyRuleFactory> familyRules = List.of();

    @NotNull
    private Map<String, @Min(0) Integer> credentialQuotas = Map.of();

    @JsonProperty
    public Map<String, Integer> getCredentialQuotas() {
        return credentialQuotas;
    }

    @JsonProperty
    public void setCredentialQuotas(Map<String, Integer> credentialQuotas) {
        this.credentialQuotas = credentialQuotas;
    }

    @JsonProperty
    public List<FamilyRuleFactory> getFamilyRules() {
        return familyRules;
    }

    @JsonProperty
    public void setFamilyRules(List<FamilyRuleFactory> familyRules) {
        this.familyRules = familyRules;
    }

    @JsonProperty
    public List<TtlRuleFactory> getTtlRules() {
        return ttlRules;
    }

    @JsonProperty
    public void setTtlRules(List<TtlRuleFactory> ttlRules) {
        this.ttlRules = ttlRules;
    }

    @Min(64)
    @Max(64 * 1024 * 1024)
    private int maxMessageBytes = 65_536;

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration summaryMaxAge = Duration.minutes(10);

    @Min(1)
    @Max(60)
    private int summaryAgeBuckets = 5;

    @Min(1)
    @Max(100_000)
    private int nativeHistogramMaxBuckets = StoreSettings.NATIVE_MAX_BUCKETS;

    @JsonProperty
    public int getNativeHistogramMaxBuckets() {
        return nativeHistogramMaxBuckets;
    }

    @JsonProperty
    public void setNativeHistogramMaxBuckets(int nativeHistogramMaxBuckets) {
        this.nativeHistogramMaxBuckets = nativeHistogramMaxBuckets;
    }

    /**
     * @param appliedWatermark a version below which every sample has been applied (see {@link MetricStore})
     * @param seenKeysPerShard how many keys of points applied once a shard's partition keeps ({@code otlp})
     */
    public MetricStore buildStore(
            InstantSource clock,
            LongSupplier appliedWatermark,
            int shards,
            int seenKeysPerShard,
            NativeDefaults nativeDefaults) {
        return new MetricStore(
                new StoreSettings(
                        maxSeries,
                        summaryMaxAge.toMilliseconds(),
                        summaryAgeBuckets,
                        seenKeysPerShard,
                        nativeHistogramMaxBuckets,
                        nativeDefaults,
                        new StoreRules(buildFamilyRules(), new CredentialQuotas(credentialQuotas))),
                clock,
                appliedWatermark,
                shards);
    }

    /** The TTL of each family ({@code seriesTtl}, {@code ttlRules}); a bad rule stops the start, naming it. */
    public TtlRules buildTtlRules() {
        List<TtlRules.Rule> rules = new ArrayList<>();
        for (int i = 0; i < ttlRules.size(); i++) {
            TtlRuleFactory rule = ttlRules.get(i);
            RulePatterns.check("aggregation.ttlRules[" + i + "].families", rule.getFamilies());
            rules.add(new TtlRules.Rule(rule.getFamilies(), rule.getTtl().toMilliseconds()));
        }
        return new TtlRules(seriesTtl.toMilliseconds(), rules);
    }

    /** What is done with each family's samples ({@code familyRules}); a rule that cannot work stops the start. */
    public FamilyRules buildFamilyRules() {
        List<FamilyRule> rules = new ArrayList<>();
        for (int i = 0; i < familyRules.size(); i++) {
            rules.add(familyRules.get(i).build("aggregation.familyRules[" + i + "]"));
        }
        return new FamilyRules(rules);
    }

    /** Removes idle series every {@code expiryInterval} (by their family's TTL or a push's) on a managed scheduler. */
    public void scheduleExpiry(Environment environment, MetricStore store, TtlRules rules) {
        SeriesExpirer expirer = new SeriesExpirer(store, rules);
        ScheduledExecutorService scheduler = environment
                .lifecycle()
                .scheduledExecutorService("series-expirer")
                .build();
        long every = expiryInterval.toMilliseconds();
        var unused = scheduler.scheduleWithFixedDelay(expirer, every, every, TimeUnit.MILLISECONDS); // stopped with it
    }

    public SampleParser buildParser() {
        return new SampleParser(maxMessageBytes);
    }

    @JsonProperty
    public Duration getSeriesTtl() {
        return seriesTtl;
    }

    @JsonProperty
    public void setSeriesTtl(Duration seriesTtl) {
        this.seriesTtl = seriesTtl;
    }

    @JsonProperty
    public Duration getExpiryInterval() {
        return expiryInterval;
    }

    @JsonProperty
    public void setExpiryInterval(Duration expiryInterval) {
        this.expiryInterval = expiryInterval;
    }

    @JsonProperty
    public int getMaxSeries() {
        return maxSeries;
    }

    @JsonProperty
    public void setMaxSeries(int maxSeries) {
        this.maxSeries = maxSeries;
    }

    @JsonProperty
    public int getMaxMessageBytes() {
        return maxMessageBytes;
    }

    @JsonProperty
    public void setMaxMessageBytes(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @JsonProperty
    public Duration getSummaryMaxAge() {
        return summaryMaxAge;
    }

    @JsonProperty
    public void setSummaryMaxAge(Duration summaryMaxAge) {
        this.summaryMaxAge = summaryMaxAge;
    }

    @JsonProperty
    public int getSummaryAgeBuckets() {
        return summaryAgeBuckets;
    }

    @JsonProperty
    public void setSummaryAgeBuckets(int summaryAgeBuckets) {
        this.summaryAgeBuckets = summaryAgeBuckets;
    }
}
