package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.promstream.parse.otlp.OtlpSettings;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code otlp} section: how OTLP exports ({@code POST /v1/metrics}) become series (docs/otlp.md). */
public class OtlpFactory {
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    private Duration dedupWindow = Duration.minutes(15);

    @Min(1000)
    private int maxSeenPointsPerShard = 1_000_000;

    private boolean keepInstanceOnDeltas;

    @NotNull
    private List<String> promoteResourceAttributes = List.of();

    private boolean targetInfo = true;

    /** @param maxMessageBytes the size limit of one sample ({@code aggregation.maxMessageBytes}) */
    public OtlpSettings buildSettings(int maxMessageBytes) {
        return new OtlpSettings(
                dedupWindow.toMilliseconds(),
                keepInstanceOnDeltas,
                new HashSet<>(promoteResourceAttributes),
                targetInfo,
                maxMessageBytes);
    }

    @JsonProperty
    public Duration getDedupWindow() {
        return dedupWindow;
    }

    @JsonProperty
    public void setDedupWindow(Duration dedupWindow) {
        this.dedupWindow = dedupWindow;
    }

    @JsonProperty
    public int getMaxSeenPointsPerShard() {
        return maxSeenPointsPerShard;
    }

    @JsonProperty
    public void setMaxSeenPointsPerShard(int maxSeenPointsPerShard) {
        this.maxSeenPointsPerShard = maxSeenPointsPerShard;
    }

    @JsonProperty
    public boolean isKeepInstanceOnDeltas() {
        return keepInstanceOnDeltas;
    }

    @JsonProperty
    public void setKeepInstanceOnDeltas(boolean keepInstanceOnDeltas) {
        this.keepInstanceOnDeltas = keepInstanceOnDeltas;
    }

    @JsonProperty
    public List<String> getPromoteResourceAttributes() {
        return promoteResourceAttributes;
    }

    @JsonProperty
    public void setPromoteResourceAttributes(List<String> promoteResourceAttributes) {
        this.promoteResourceAttributes = promoteResourceAttributes;
    }

    @JsonProperty
    public boolean isTargetInfo() {
        return targetInfo;
    }

    @JsonProperty
    public void setTargetInfo(boolean targetInfo) {
        this.targetInfo = targetInfo;
    }
}
