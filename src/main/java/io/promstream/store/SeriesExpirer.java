package io.promstream.store;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes series not updated for the TTL; scheduled periodically, reading the store's (injectable) clock. */
public final class SeriesExpirer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesExpirer.class);

    private final MetricStore store;
    private final Duration ttl;

    public SeriesExpirer(MetricStore store, Duration ttl) {
        this.store = store;
        this.ttl = ttl;
    }

    @Override
    public void run() {
        try {
            int expired = store.expireIdle(ttl.toMillis());
            if (expired > 0) {
                LOG.info("Expired {} series not updated for {}", expired, ttl);
            }
        } catch (RuntimeException e) {
            LOG.error("Series expiry failed; will retry", e); // never let the scheduler drop the task
        }
    }
}
