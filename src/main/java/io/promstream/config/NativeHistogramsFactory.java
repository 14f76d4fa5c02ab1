package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code nativeHistograms} section: how the text formats show native histograms (docs/native-histograms.md). */
public class NativeHistogramsFactory {
    private boolean classicFallback = true;

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
