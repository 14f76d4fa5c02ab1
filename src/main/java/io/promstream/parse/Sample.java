package io.promstream.parse;

/**
 * One metric sample as read from the wire (docs/wire-format.md), and the parsers' verdict on it. Mutable and
 * reused: a parser refills the same instances for every element so the hot path allocates little. Labels are
 * sorted by name once {@link #canonicalizeLabels()} has run; a label with an empty value is dropped, as
 * Prometheus treats it as absent.
 */
public final class Sample {
    /** Marks an absent {@code ttl}: the series keeps the TTL it has (its family's, unless a push gave it one). */
    public static final long NO_TTL = -1;

    /** Marks an absent {@code timestamp}. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    /** Marks an absent native-histogram {@code schema}. */
    public static final int NO_SCHEMA = Integer.MIN_VALUE;

    private MetricType type;
    private String name;
    private double value;
    private boolean hasValue;
    private String help;
    private final LabelBuffer labels = new LabelBuffer();
    private final Doubles buckets = new Doubles(16);
    private final Doubles quantiles = new Doubles(4);
    private final Doubles epsilons = new Doubles(4);
    private GaugeOp op = GaugeOp.SET;
    private long timestamp = NO_TIMESTAMP;
    private Aggregate aggregate;
    private String id;
    private int nativeSchema = NO_SCHEMA;
    private long ttlMillis = NO_TTL;
    private String credential;
    private NativeHistogram nativeHistogram;
    private RejectReason rejection;
    private String error;

    /** Forgets everything, ready to be filled again. */
    public Sample clear() {
        type = null;
        name = null;
        value = 0;
        hasValue = false;
        help = null;
        labels.clear();
        buckets.clear();
        quantiles.clear();
        epsilons.clear();
        op = GaugeOp.SET;
        timestamp = NO_TIMESTAMP;
        aggregate = null;
        id = null;
        nativeSchema = NO_SCHEMA;
        ttlMillis = NO_TTL;
        credential = null;
        nativeHistogram = null;
        rejection = null;
        error = null;
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

    /** How long the series lives after this update (0: never expires); {@link #NO_TTL} leaves its TTL as it is. */
    public Sample ttl(long ttlMillis) {
        this.ttlMillis = ttlMillis;
        return this;
    }

    /** What its push's headers say: its TTL unless it has its own, and the credential that pushed it (or null). */
    public void pushed(long pushTtlMillis, String pushCredential) {
        ttlMillis = ttlMillis == NO_TTL ? pushTtlMillis : ttlMillis;
        credential = pushCredential;
    }

    /** The credential that pushed it over HTTP ({@code user:<name>}, {@code token:<i>}, ...), or {@code null}. */
    public String credential() {
        return credential;
    }

    public long ttlMillis() {
        return ttlMillis;
    }

    public Sample timestamp(long timestamp) {
        this.timestamp = timestamp;
        return this;
    }

    /** Appends a label; call {@link #canonicalizeLabels()} after the last one. */
    public Sample label(String labelName, String labelValue) {
        labels.add(labelName, labelValue);
        return this;
    }

    public Sample buckets(double... bounds) {
        buckets.set(bounds);
        return this;
    }

    public Sample quantiles(double[] qs, double[] eps) {
        quantiles.set(qs);
        epsilons.set(eps);
        return this;
    }

    /**
     * Makes this a whole pushed histogram: {@code bounds} (without +Inf) with their cumulative counts, the +Inf
     * count and the sum.
     */
    public Sample aggregateHistogram(double[] bounds, long[] cumulative, long count, double sum) {
        buckets(bounds);
        this.aggregate = new Aggregate(cumulative, null, count, sum);
        return value(sum);
    }

    /**
     * Makes this a whole pushed summary: its count and sum, and the values of {@code quantileValues} for the
     * targets {@code targets} (or none: {@code targets} empty and {@code quantileValues} null).
     */
    public Sample aggregateSummary(double[] targets, double[] quantileValues, long count, double sum) {
        if (quantileValues != null) {
            quantiles.set(targets);
        }
        this.aggregate = new Aggregate(null, quantileValues, count, sum);
        return value(sum);
    }

    /** The sender's id of this sample: applied at most once per id within the window (docs/wire-format.md). */
    public Sample id(String id) {
        this.id = id;
        return this;
    }

    public String id() {
        return id;
    }

    /** Observes the value into native buckets of this schema (docs/native-histograms.md). */
    public Sample nativeSchema(int schema) {
        this.nativeSchema = schema;
        return this;
    }

    /** Makes this a whole native histogram (pushed, or pre-aggregated by the sender); its value is the sum. */
    public Sample nativeHistogram(NativeHistogram whole) {
        this.nativeHistogram = whole;
        return value(whole.sum());
    }

    public int nativeSchema() {
        return nativeSchema;
    }

    public boolean hasNativeSchema() {
        return nativeSchema != NO_SCHEMA;
    }

    /** The whole native histogram this sample carries, or {@code null}. */
    public NativeHistogram nativeHistogram() {
        return nativeHistogram;
    }

    /** Whether the sample is a native histogram's: an observation with a schema, or a whole one. */
    public boolean isNative() {
        return nativeHistogram != null || nativeSchema != NO_SCHEMA;
    }

    /** A whole pushed histogram or summary, as {@link CommandCodec} reads it back. */
    void aggregate(Aggregate aggregate) {
        this.aggregate = aggregate;
    }

    /**
     * Drops labels with an empty value and sorts the rest by name.
     *
     * @return the repeated label name, or {@code null} when every name is unique
     */
    public String canonicalizeLabels() {
        return labels.canonicalize();
    }

    /** Marks this sample rejected; the first reason given wins. */
    public Sample reject(RejectReason reason, String detail) {
        if (rejection == null) {
            rejection = reason;
            error = detail;
        }
        return this;
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

    public LabelBuffer labels() {
        return labels;
    }

    public int labelCount() {
        return labels.count();
    }

    public String labelName(int i) {
        return labels.name(i);
    }

    public String labelValue(int i) {
        return labels.value(i);
    }

    /** The histogram bounds the sample names; absent when it names none. */
    public Doubles buckets() {
        return buckets;
    }

    /** The summary quantiles the sample names; absent when it names none. */
    public Doubles quantiles() {
        return quantiles;
    }

    /** The epsilons of those quantiles; absent when it names none. */
    public Doubles epsilons() {
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

    /** The whole pushed histogram or summary this sample carries, or {@code null} for one observation. */
    public Aggregate aggregate() {
        return aggregate;
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
}
