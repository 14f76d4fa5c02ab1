package io.promstream.parse.otlp;

import java.util.Set;

/**
 * How OTLP exports become samples (docs/otlp.md).
 *
 * @param windowMillis      how long a delta point's key is kept, so that a repeat of the point is not added again;
 *                          older delta points are refused
 * @param deltaInstance     whether delta streams keep {@code instance} (by default they are added across producers)
 * @param promoted          resource attributes copied onto every series as labels
 * @param targetInfo        whether a resource's other attributes are shown as a {@code target_info} series
 * @param maxMessageBytes   the size limit of one sample, as for every other way in
 */
public record OtlpSettings(
        long windowMillis, boolean deltaInstance, Set<String> promoted, boolean targetInfo, int maxMessageBytes) {
    public OtlpSettings {
        promoted = Set.copyOf(promoted);
    }

    public static OtlpSettings defaults() {
        return new OtlpSettings(15 * 60_000L, false, Set.of(), true, 65_536);
    }
}
