package io.promstream.parse;

/**
 * The checks that need the whole sample, whatever format it came in: required fields, name rules of its type,
 * value, op, labels (unique, at most {@link #MAX_LABELS}, reserved names, valid text), help text, bucket and
 * quantile layouts. Marks the sample rejected with the first problem found.
 */
public final class SampleValidator {
    /** Labels a series may carry (after empty values are dropped, grouping labels included). */
    public static final int MAX_LABELS = 64;

    private SampleValidator() {}

    /** Validates a JSON sample (or one queued from JSON) that carries a valid op (or none). */
    public static void validate(Sample sample) {
        validate(sample, false, false);
    }

    /**
     * Validates a sample of a pushed exposition: as {@link #validate(Sample)}, but a gauge's or an untyped value may
     * be {@code +Inf} or {@code -Inf}, as the Pushgateway stores them (docs/semantics.md, Pushes).
     */
    public static void validatePushed(Sample sample) {
        validate(sample, false, true);
    }

    /**
     * The size rule, the same on every path (docs/wire-format.md, Limits): a sample's text (name, label names and
     * values, help) may not be larger than {@code maxBytes} in UTF-8, the largest queue element. Rejects the
     * sample ({@code too_large}) and returns the reason when it is; {@code null} otherwise.
     */
    public static String checkSize(Sample sample, int maxBytes) {
        long size = utf8Length(sample.name()) + utf8Length(sample.help());
        for (int i = 0; i < sample.labelCount() && size <= maxBytes; i++) {
            size += utf8Length(sample.labelName(i)) + utf8Length(sample.labelValue(i));
        }
        if (size <= maxBytes) {
            return null;
        }
        String reason = "the sample's name, labels and help are over " + maxBytes + " bytes (aggregation."
                + "maxMessageBytes, the largest queue element)";
        sample.reject(RejectReason.TOO_LARGE, reason);
        return reason;
    }

    private static long utf8Length(String text) {
        if (text == null) {
            return 0;
        }
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                bytes += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1; // a surrogate pair: 4 bytes in two chars
            }
        }
        return bytes;
    }

    /** The rules on a JSON sample's value: finite, and not negative for a counter. */
    public static boolean acceptsValue(MetricType type, double value) {
        return Double.isFinite(value) && !(type == MetricType.COUNTER && value < 0);
    }

    /** The rules on a pushed exposition's value: a JSON sample's, except that gauges and untyped take ±Inf. */
    public static boolean acceptsPushedValue(MetricType type, double value) {
        return acceptsValue(type, value)
                || Double.isInfinite(value) && (type == MetricType.GAUGE || type == MetricType.UNTYPED);
    }

    static void validate(Sample sample, boolean badOp) {
        validate(sample, badOp, false);
    }

    private static void validate(Sample sample, boolean badOp, boolean pushed) {
        if (sample.type() == null) {
            sample.reject(RejectReason.INVALID_MESSAGE, "missing field \"type\"");
            return;
        }
        if (sample.name() == null) {
            sample.reject(RejectReason.INVALID_MESSAGE, "missing field \"name\"");
            return;
        }
        String invalidName = Names.invalidName(sample.type(), sample.name());
        if (invalidName != null) {
            sample.reject(RejectReason.INVALID_NAME, invalidName);
            return;
        }
        if (!sample.hasValue()) {
            sample.reject(RejectReason.INVALID_MESSAGE, "missing field \"value\"");
            return;
        }
        double value = sample.value();
        MetricType type = sample.type();
        if (!(pushed ? acceptsPushedValue(type, value) : acceptsValue(type, value))) {
            sample.reject(
                    RejectReason.INVALID_VALUE,
                    Double.isFinite(value)
                            ? "a counter's value must be >= 0, got " + value
                            : Double.isNaN(value) || !pushed
                                    ? "value must be finite"
                                    : "value must be finite (only " + "gauges and untyped take +Inf and -Inf)");
            return;
        }
        if (badOp) {
            sample.reject(RejectReason.INVALID_MESSAGE, "op must be one of set, inc, dec");
            return;
        }
        if (sample.help() != null && !Names.isValidText(sample.help())) {
            sample.reject(
                    RejectReason.INVALID_JSON,
                    "help is not valid Unicode (it holds an unpaired UTF-16 " + "surrogate such as \\ud800)");
            return;
        }
        String duplicate = sample.canonicalizeLabels();
        if (duplicate != null) {
            sample.reject(RejectReason.INVALID_LABEL, "duplicate label \"" + duplicate + "\"");
            return;
        }
        if (sample.labelCount() > MAX_LABELS) {
            sample.reject(RejectReason.INVALID_LABEL, "more than " + MAX_LABELS + " labels");
            return;
        }
        for (int i = 0; i < sample.labelCount(); i++) {
            if (!Names.isValidText(sample.labelValue(i))) {
                sample.reject(
                        RejectReason.INVALID_JSON,
                        "the value of label \"" + sample.labelName(i)
                                + "\" is not valid Unicode (it holds an unpaired UTF-16 surrogate such as \\ud800)");
                return;
            }
        }
        String reserved = type.reservedLabel();
        if (reserved != null) {
            for (int i = 0; i < sample.labelCount(); i++) {
                if (sample.labelName(i).equals(reserved)) {
                    sample.reject(
                            RejectReason.INVALID_LABEL,
                            "label \"" + reserved + "\" is reserved for " + type.wireName() + "s");
                    return;
                }
            }
        }
        if (sample.isNative()) {
            String problem = nativeProblem(sample);
            if (problem != null) {
                sample.reject(RejectReason.INVALID_BUCKETS, problem);
            }
        } else if (type == MetricType.HISTOGRAM) {
            validateBuckets(sample);
        } else if (type == MetricType.SUMMARY) {
            validateQuantiles(sample);
        }
    }

    private static void validateBuckets(Sample sample) {
        int count = sample.buckets().size();
        if (count < 0) {
            return;
        }
        if (count == 0) {
            sample.reject(RejectReason.INVALID_BUCKETS, "buckets must not be empty");
            return;
        }
        double[] bounds = sample.buckets().array();
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(bounds[i])) {
                sample.reject(RejectReason.INVALID_BUCKETS, "bucket bounds must be finite (+Inf is implicit)");
                return;
            }
            if (i > 0 && bounds[i] <= bounds[i - 1]) {
                sample.reject(RejectReason.INVALID_BUCKETS, "bucket bounds must be strictly increasing");
                return;
            }
        }
    }

    private static void validateQuantiles(Sample sample) {
        if (sample.aggregate() != null) {
            validatePushedQuantiles(sample);
            return;
        }
        int qCount = sample.quantiles().size();
        int eCount = sample.epsilons().size();
        if (qCount < 0 && eCount < 0) {
            return;
        }
        if (qCount < 0) {
            sample.reject(RejectReason.INVALID_QUANTILES, "epsilons given without quantiles");
            return;
        }
        if (qCount == 0) {
            sample.reject(RejectReason.INVALID_QUANTILES, "quantiles must not be empty");
            return;
        }
        if (eCount >= 0 && eCount != qCount) {
            sample.reject(
                    RejectReason.INVALID_QUANTILES,
                    "epsilons must have the same length as quantiles (" + eCount + " vs " + qCount + ")");
            return;
        }
        double[] qs = sample.quantiles().array();
        double[] eps = sample.epsilons().array();
        for (int i = 0; i < qCount; i++) {
            if (!(qs[i] > 0 && qs[i] < 1)) {
                sample.reject(RejectReason.INVALID_QUANTILES, "quantiles must lie strictly between 0 and 1");
                return;
            }
            if (eCount >= 0 && !(eps[i] > 0 && eps[i] < 1)) {
                sample.reject(RejectReason.INVALID_QUANTILES, "epsilons must lie strictly between 0 and 1");
                return;
            }
            for (int j = 0; j < i; j++) {
                if (qs[j] == qs[i]) {
                    sample.reject(RejectReason.INVALID_QUANTILES, "duplicate quantile " + qs[i]);
                    return;
                }
            }
        }
    }

    /** What is wrong with a native histogram's sample (docs/native-histograms.md), or {@code null}. */
    private static String nativeProblem(Sample sample) {
        if (sample.type() != MetricType.HISTOGRAM) {
            return "schema is for histograms only";
        }
        if (sample.buckets().size() >= 0 || sample.aggregate() != null) {
            return "a native histogram (schema) has no classic buckets";
        }
        if (sample.hasNativeSchema()
                && (sample.nativeSchema() < NativeHistogram.MIN_SCHEMA
                        || sample.nativeSchema() > NativeHistogram.MAX_SCHEMA)) {
            return "schema must be from " + NativeHistogram.MIN_SCHEMA + " to " + NativeHistogram.MAX_SCHEMA;
        }
        return sample.nativeHistogram() == null
                ? null
                : sample.nativeHistogram().problem();
    }

    /** A pushed summary's quantiles: each in [0, 1], none twice, one value each (any value, NaN included). */
    private static void validatePushedQuantiles(Sample sample) {
        Doubles qs = sample.quantiles();
        double[] values = sample.aggregate().quantileValues();
        if (values == null) {
            return;
        }
        if (qs.size() != values.length) {
            sample.reject(RejectReason.INVALID_QUANTILES, "a value for each quantile is needed");
            return;
        }
        for (int i = 0; i < qs.size(); i++) {
            if (!(qs.get(i) >= 0 && qs.get(i) <= 1)) {
                sample.reject(RejectReason.INVALID_QUANTILES, "quantiles must lie between 0 and 1, got " + qs.get(i));
                return;
            }
            if (i > 0 && qs.get(i) <= qs.get(i - 1)) {
                sample.reject(RejectReason.INVALID_QUANTILES, "quantiles must be distinct and sorted");
                return;
            }
        }
    }
}
