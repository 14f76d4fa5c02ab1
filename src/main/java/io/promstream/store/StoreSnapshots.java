package io.promstream.store;

import io.dropwizard.lifecycle.Managed;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store on disk: restores it at start (before any worker reads), saves it periodically and once
 * more at stop, after the workers have applied everything they took. A file that cannot be read back is
 * moved aside, never overwritten, and the gateway starts empty.
 */
public final class StoreSnapshots implements Managed, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSnapshots.class);

    private final MetricStore store;
    private final Path file;
    private final InstantSource clock;
    private final Gauge lastSuccess;
    private final Gauge duration;
    private final Counter errors;

    public StoreSnapshots(MetricStore store, Path file, InstantSource clock, Gauge lastSuccess, Gauge duration,
            Counter errors) {
        this.store = store;
        this.file = file;
        this.clock = clock;
        this.lastSuccess = lastSuccess;
        this.duration = duration;
        this.errors = errors;
    }

    /** Loads the snapshot, if any, into the (empty) store. */
    public void restore() {
        if (!Files.exists(file)) {
            LOG.info("No snapshot at {}; starting with an empty store", file);
            return;
        }
        long started = System.nanoTime();
        try {
            StoreFile.Stats stats = StoreFile.load(store, file);
            LOG.info("Restored {} series in {} families from {} ({} bytes) in {} ms", stats.series(),
                    stats.families(), file, stats.bytes(), (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + clock.millis());
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException moveFailure) {
                throw new IllegalStateException("Snapshot " + file + " cannot be read (" + e.getMessage()
                        + ") nor moved aside (" + moveFailure.getMessage() + "); refusing to start and overwrite it",
                        moveFailure);
            }
            LOG.error("Snapshot {} cannot be read ({}); moved it to {} and starting with an empty store", file,
                    e.getMessage(), aside);
            store.remove(f -> true, l -> true, Long.MAX_VALUE); // drop anything half-loaded
        }
    }

    /** One save; failures are logged and counted, never thrown (a scheduler keeps calling). */
    @Override
    public synchronized void run() {
        long started = System.nanoTime();
        try {
            StoreFile.Stats stats = StoreFile.save(store, file);
            double seconds = (System.nanoTime() - started) / 1e9;
            duration.set(seconds);
            lastSuccess.set(clock.millis() / 1000.0);
            LOG.debug("Saved {} series to {} in {} s", stats.series(), file, seconds);
        } catch (IOException | RuntimeException e) {
            errors.inc();
            LOG.error("Saving the store to {} failed: {}", file, e.toString());
        }
    }

    @Override
    public void stop() {
        long started = System.nanoTime();
        run();
        LOG.info("Saved {} series to {} at stop in {} ms", store.seriesCount(), file,
                (System.nanoTime() - started) / 1_000_000);
    }
}
