package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.promstream.store.NativeDefaults;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The {@code nativeHistograms} section: how the text formats show native histograms (docs/native-histograms.md). */
public class NativeHistogramsFactory {
    private boolean classicFallback = true;

    @NotNull
    private Map<String, @Min(-4) @Max(8) Integer> families = new LinkedHashMap<>();

    /** The families native by default; a bad pattern stops the start, naming it. */
    public NativeDefaults buildDefaults() {
        for (String regex : families.keySet()) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "nativeHistograms.families: \"" + regex + "\" is not a regular expression: "
                                + e.getDescription(),
                        e);
            }
        }
        return new NativeDefaults(families);
    }

    /** Family-name patterns (whole-name regular expressions) to the schema their new histograms get by default. */
    @JsonProperty
    public Map<String, Integer> getFamilies() {
        return families;
    }

    @JsonProperty
    public void setFamilies(Map<String, Integer> families) {
        this.families = families;
    }

    /** Whether text and OpenMetrics scrapes show a native histogram as a classic one ({@code false}: leave it out). */
    @JsonProperty
    public boolean isClassicFallback() {
        return classicFallback;
    }

    @JsonProperty
    public void setClassicFallback(boolean classicFallback) {
        this.classicFallback = classicFallback;
    }
}
