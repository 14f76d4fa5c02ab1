package io.promstream.parse;

import java.util.Arrays;

/**
 * One metric sample as read from the wire. Mutable and reused: a parser refills the same instances for
 * every element so the hot path allocates little. Labels are kept sorted by name once {@link
 * #canonicalizeLabels()} has run; a label with an empty value is dropped, as Prometheus treats it as absent.
 */
public final class Sample {
    /** Marks an absent {@code timestamp}. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private MetricType type;
    private String name;
    private double value;
    private boolean hasValue;
    private String help;
    private String[] labelNames = new String[8];
    private String[] labelValues = new String[8];
    private int labelCount;
    private double[] buckets = new double[16];
    private int bucketCount = -1;
    private double[] quantiles = new double[4];
    private int quantileCount = -1;
    private double[] epsilons = new double[4];
    private int epsilonCount = -1;
    private GaugeOp op = GaugeOp.SET;
    private long timestamp = NO_TIMESTAMP;
    private long version;
    private RejectReason rejection;
    private String error;
    private int start;
    private int end;
    private boolean merge;
    private long[] mergeCumulative;
    private long mergeCount;
    private double mergeSum;

    /** Forgets everything, ready to be filled again. */
    public Sample clear() {
        type = null;
        name = null;
        value = 0;
        hasValue = false;
        help = null;
        Arrays.fill(labelNames, 0, labelCount, null);
        Arrays.fill(labelValues, 0, labelCount, null);
        labelCount = 0;
        bucketCount = -1;
        quantileCount = -1;
        epsilonCount = -1;
        op = GaugeOp.SET;
        timestamp = NO_TIMESTAMP;
        version = 0;
        rejection = null;
        error = null;
        start = 0;
        end = 0;
        merge = false;
        mergeCumulative = null;
        mergeCount = 0;
        mergeSum = 0;
        return this;
    }

    // ---- fluent setters (used by parsers and tests) ----

    public Sample type(MetricType type) {
        this.type = type;
        return this;
    }

    public Sample name(String name) {
        this.name = name;
        return this;
    }

    public Sample value(double value) {
        this.value = value;
        this.hasValue = true;
        return this;
    }

    public Sample help(String help) {
        this.help = help;
        return this;
    }

    public Sample op(GaugeOp op) {
        this.op = op;
        return this;
    }

    public Sample timestamp(long timestamp) {
        this.timestamp = timestamp;
        return this;
    }

    public Sample version(long version) {
        this.version = version;
        return this;
    }

    /**
     * Makes this a whole pushed histogram to add to its series: {@code bounds} (without +Inf) with their
     * cumulative counts, the +Inf count and the sum. Refused by a series with another layout.
     */
    public Sample mergeHistogram(double[] bounds, long[] cumulative, long count, double sum) {
        buckets(bounds);
        this.merge = true;
        this.mergeCumulative = cumulative;
        this.mergeCount = count;
        this.mergeSum = sum;
        return value(sum);
    }

    /** Makes this a pushed summary's {@code _count}/{@code _sum} to add to its series (no quantiles). */
    public Sample mergeSummary(long count, double sum) {
        this.merge = true;
        this.mergeCount = count;
        this.mergeSum = sum;
        return value(sum);
    }

    /** Appends a label; call {@link #canonicalizeLabels()} after the last one. */
    public Sample label(String labelName, String labelValue) {
        if (labelCount == labelNames.length) {
            labelNames = Arrays.copyOf(labelNames, labelCount * 2);
            labelValues = Arrays.copyOf(labelValues, labelCount * 2);
        }
        labelNames[labelCount] = labelName;
        labelValues[labelCount] = labelValue;
        labelCount++;
        return this;
    }

    public Sample buckets(double... bounds) {
        bucketCount = 0;
        for (double bound : bounds) {
            addBucket(bound);
        }
        return this;
    }

    public Sample quantiles(double[] qs, double[] eps) {
        quantileCount = 0;
        for (double q : qs) {
            addQuantile(q);
        }
        epsilonCount = 0;
        for (double e : eps) {
            addEpsilon(e);
        }
        return this;
    }

    void startBuckets() {
        bucketCount = 0;
    }

    void addBucket(double bound) {
        if (bucketCount == buckets.length) {
            buckets = Arrays.copyOf(buckets, bucketCount * 2);
        }
        buckets[bucketCount++] = bound;
    }

    void startQuantiles() {
        quantileCount = 0;
    }

    void addQuantile(double q) {
        if (quantileCount == quantiles.length) {
            quantiles = Arrays.copyOf(quantiles, quantileCount * 2);
        }
        quantiles[quantileCount++] = q;
    }

    void startEpsilons() {
        epsilonCount = 0;
    }

    void addEpsilon(double e) {
        if (epsilonCount == epsilons.length) {
            epsilons = Arrays.copyOf(epsilons, epsilonCount * 2);
        }
        epsilons[epsilonCount++] = e;
    }

    /**
     * Drops labels with an empty value and sorts the rest by name (insertion sort: label sets are small).
     *
     * @return the duplicated label name, or {@code null} when every name is unique
     */
    public String canonicalizeLabels() {
        int kept = 0;
        for (int i = 0; i < labelCount; i++) {
            if (!labelValues[i].isEmpty()) {
                labelNames[kept] = labelNames[i];
                labelValues[kept] = labelValues[i];
                kept++;
            }
        }
        Arrays.fill(labelNames, kept, labelCount, null);
        Arrays.fill(labelValues, kept, labelCount, null);
        labelCount = kept;
        for (int i = 1; i < labelCount; i++) {
            String n = labelNames[i];
            String v = labelValues[i];
            int j = i - 1;
            while (j >= 0 && labelNames[j].compareTo(n) > 0) {
                labelNames[j + 1] = labelNames[j];
                labelValues[j + 1] = labelValues[j];
                j--;
            }
            labelNames[j + 1] = n;
            labelValues[j + 1] = v;
        }
        for (int i = 1; i < labelCount; i++) {
            if (labelNames[i].equals(labelNames[i - 1])) {
                return labelNames[i];
            }
        }
        return null;
    }

    /** Marks this sample rejected; the first reason given wins. */
    public Sample reject(RejectReason reason, String detail) {
        if (rejection == null) {
            rejection = reason;
            error = detail;
        }
        return this;
    }

    void range(int from, int to) {
        this.start = from;
        this.end = to;
    }

    // ---- accessors ----

    public MetricType type() {
        return type;
    }

    public String name() {
        return name;
    }

    public double value() {
        return value;
    }

    public boolean hasValue() {
        return hasValue;
    }

    public String help() {
        return help;
    }

    public int labelCount() {
        return labelCount;
    }

    public String labelName(int i) {
        return labelNames[i];
    }

    public String labelValue(int i) {
        return labelValues[i];
    }

    /** Label names; only the first {@link #labelCount()} entries are meaningful. */
    public String[] labelNames() {
        return labelNames;
    }

    /** Label values; only the first {@link #labelCount()} entries are meaningful. */
    public String[] labelValues() {
        return labelValues;
    }

    /** Number of explicit bucket bounds, or -1 when the sample names none. */
    public int bucketCount() {
        return bucketCount;
    }

    public double[] bucketArray() {
        return buckets;
    }

    /** Number of explicit quantiles, or -1 when the sample names none. */
    public int quantileCount() {
        return quantileCount;
    }

    public double[] quantileArray() {
        return quantiles;
    }

    /** Number of explicit epsilons, or -1 when the sample names none. */
    public int epsilonCount() {
        return epsilonCount;
    }

    public double[] epsilonArray() {
        return epsilons;
    }

    public GaugeOp op() {
        return op;
    }

    public long timestamp() {
        return timestamp;
    }

    public boolean hasTimestamp() {
        return timestamp != NO_TIMESTAMP;
    }

    /** Order of this sample among all samples taken; later-taken samples have larger versions. */
    public long version() {
        return version;
    }

    /** Whether this carries a whole pushed histogram or summary rather than one observation. */
    public boolean isMerge() {
        return merge;
    }

    /** Cumulative counts per bucket bound of a merged histogram. */
    public long[] mergeCumulative() {
        return mergeCumulative;
    }

    public long mergeCount() {
        return mergeCount;
    }

    public double mergeSum() {
        return mergeSum;
    }

    public boolean isRejected() {
        return rejection != null;
    }

    public RejectReason rejection() {
        return rejection;
    }

    public String error() {
        return error;
    }

    /** First byte of this sample in its element (for rejection reports). */
    public int start() {
        return start;
    }

    /** One past the last byte of this sample in its element. */
    public int end() {
        return end;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(type).append(' ').append(name).append('{');
        for (int i = 0; i < labelCount; i++) {
            sb.append(i == 0 ? "" : ",").append(labelNames[i]).append("=\"").append(labelValues[i]).append('"');
        }
        return sb.append("} ").append(value).toString();
    }
}
