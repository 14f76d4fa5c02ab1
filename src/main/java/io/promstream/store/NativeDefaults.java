package io.promstream.store;

import io.promstream.parse.Sample;
import java.util.List;
import java.util.Map;

/**
 * Which histogram families are native by default ({@code nativeHistograms.families}): a new series of a family whose
 * name matches one of the patterns (whole) is a native histogram of that schema, even when its first sample names no
 * schema (docs/native-histograms.md). The first matching pattern wins.
 */
public final class NativeDefaults {
    /** No family native by default. */
    public static final NativeDefaults NONE = new NativeDefaults(Map.of());

    private final FamilyPatterns patterns;
    private final List<Integer> schemas;

    /** @param schemas family-name regex to schema, in order; a bad pattern throws (the start stops, naming it) */
    public NativeDefaults(Map<String, Integer> schemas) {
        this.patterns = new FamilyPatterns(schemas.keySet());
        this.schemas = List.copyOf(schemas.values());
    }

    /** The schema a new series of {@code family} gets from {@code sample}, or {@link Sample#NO_SCHEMA} (classic). */
    int schemaFor(String family, Sample sample) {
        if (sample.hasNativeSchema()) {
            return sample.nativeSchema();
        }
        if (sample.isNative() || sample.buckets().size() >= 0 || sample.aggregate() != null) {
            return Sample.NO_SCHEMA; // a whole native histogram, or a classic layout asked for
        }
        int i = patterns.first(family, p -> true);
        return i < 0 ? Sample.NO_SCHEMA : schemas.get(i);
    }
}
