package io.promstream.parse;

import java.util.Locale;

/** Why a sample or an element was rejected; the label value of {@code dropped_metrics_total{reason}}. */
public enum RejectReason {
    INVALID_JSON,
    INVALID_MESSAGE,
    UNKNOWN_TYPE,
    INVALID_NAME,
    INVALID_LABEL,
    INVALID_VALUE,
    INVALID_BUCKETS,
    INVALID_QUANTILES,
    TYPE_CONFLICT,
    TOO_LARGE,
    SERIES_LIMIT,
    /** A new series of a family that holds its own quota of series ({@code aggregation.familyRules}). */
    FAMILY_SERIES_LIMIT,
    /** A new series pushed with a credential that holds its quota of series ({@code aggregation.credentialQuotas}). */
    CREDENTIAL_SERIES_LIMIT,
    /** Data of a kind the gateway does not take (an OTLP exponential histogram, a temporality it cannot tell). */
    UNSUPPORTED,
    /** An OTLP delta point older than the window in which a repeat of it is recognised. */
    TOO_OLD,
    /** A bug in the gateway, never the sender's fault; counted so it cannot go unnoticed. */
    INTERNAL_ERROR;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
