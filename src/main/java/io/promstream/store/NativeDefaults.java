package io.promstream.store;

import io.promstream.parse.Sample;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which histogram families are native by default ({@code nativeHistograms.families}): a new series of a family whose
 * name matches one of the patterns (whole) is a native histogram of that schema, even when its first sample names no
 * schema (docs/native-histograms.md). The first matching pattern wins.
 */
public final class NativeDefaults {
    /** No family native by default. */
    public static final NativeDefaults NONE = new NativeDefaults(Map.of());

    private final Map<Pattern, Integer> schemas = new LinkedHashMap<>();

    /** @param schemas family-name regex to schema, in order; a bad pattern throws (the start stops, naming it) */
    public NativeDefaults(Map<String, Integer> schemas) {
        schemas.forEach((regex, schema) -> this.schemas.put(Pattern.compile(regex), schema));
    }

    /** The schema a new series of {@code family} gets from {@code sample}, or {@link Sample#NO_SCHEMA} (classic). */
    int schemaFor(String family, Sample sample) {
        if (sample.hasNativeSchema()) {
            return sample.nativeSchema();
        }
        if (sample.isNative() || sample.buckets().size() >= 0 || sample.aggregate() != null) {
            return Sample.NO_SCHEMA; // a whole native histogram, or a classic layout asked for
        }
        for (Map.Entry<Pattern, Integer> e : schemas.entrySet()) {
            if (e.getKey().matcher(family).matches()) {
                return e.getValue();
            }
        }
        return Sample.NO_SCHEMA;
    }
}
