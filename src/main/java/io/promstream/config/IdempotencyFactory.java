package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** The {@code idempotency} section: how long a push's {@code Idempotency-Key} is kept (docs/http-api.md). */
public class IdempotencyFactory {
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    private Duration window = Duration.minutes(15);

    public long windowMillis() {
        return window.toMilliseconds();
    }

    @JsonProperty
    public Duration getWindow() {
        return window;
    }

    @JsonProperty
    public void setWindow(Duration window) {
        this.window = window;
    }
}
