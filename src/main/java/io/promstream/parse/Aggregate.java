package io.promstream.parse;

/**
 * A whole pushed histogram or summary series, as opposed to one observation: the cumulative count per bucket
 * bound (histograms; the bounds are the sample's buckets, {@code +Inf} excluded), the value per quantile
 * (summaries; the targets are the sample's quantiles; {@code null} when they are not kept), the count and the
 * sum.
 */
public record Aggregate(long[] cumulative, double[] quantileValues, long count, double sum) {}
