package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * The {@code checkpoint} section (docs/configuration.md): how often each held shard's changed series are written
 * to Redis, which is also how long what was taken stays in the shard's list before it is trimmed, and the most
 * elements read past a checkpoint before the next one is written early.
 */
public class CheckpointFactory {
    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration interval = Duration.seconds(1);

    @Min(100)
    @JsonProperty
    private long maxUncovered = 100_000;

    public long intervalMillis() {
        return interval.toMilliseconds();
    }

    public long maxUncovered() {
        return maxUncovered;
    }
}
