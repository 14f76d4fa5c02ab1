package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.promstream.expose.GatewayMetrics;
import io.promstream.store.MetricStore;
import io.promstream.store.StoreSnapshots;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The {@code persistence} section: where and how often the store is saved. Empty {@code file} = off. */
public class PersistenceFactory {
    private String file = "";
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration interval = Duration.minutes(1);

    @ValidationMethod(message = "persistence.file must be in an existing, writable directory")
    public boolean isDirectoryWritable() {
        if (isOff()) {
            return true;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        return parent != null && Files.isDirectory(parent) && Files.isWritable(parent);
    }

    /**
     * Restores the store now, then saves it every {@code interval} and at stop. Call before the workers are
     * built, so that they start after the restore and stop before the final save.
     */
    public void restoreAndManage(Environment environment, MetricStore store, GatewayMetrics metrics,
            InstantSource clock) {
        if (isOff()) {
            return;
        }
        StoreSnapshots snapshots = new StoreSnapshots(store, Path.of(file), clock, metrics.snapshotLastSuccess(),
                metrics.snapshotDuration(), metrics.snapshotErrors());
        snapshots.restore();
        ScheduledExecutorService scheduler = environment.lifecycle().scheduledExecutorService("store-snapshots").build();
        long every = interval.toMilliseconds();
        scheduler.scheduleWithFixedDelay(snapshots, every, every, TimeUnit.MILLISECONDS);
        environment.lifecycle().manage(snapshots);
    }

    /** No file, or an empty one (an unset {@code ${PERSISTENCE_FILE:-}} reads as null): persistence is off. */
    private boolean isOff() {
        return file == null || file.isBlank();
    }

    @JsonProperty
    public String getFile() {
        return file;
    }

    @JsonProperty
    public void setFile(String file) {
        this.file = file;
    }

    @JsonProperty
    public Duration getInterval() {
        return interval;
    }

    @JsonProperty
    public void setInterval(Duration interval) {
        this.interval = interval;
    }
}
