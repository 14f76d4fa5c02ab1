package io.promstream.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes series not updated for their family's TTL ({@link TtlRules}); scheduled periodically, reading the store's
 * (injectable) clock.
 */
public final class SeriesExpirer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesExpirer.class);

    private final MetricStore store;
    private final TtlRules rules;

    public SeriesExpirer(MetricStore store, TtlRules rules) {
        this.store = store;
        this.rules = rules;
    }

    @Override
    public void run() {
        try {
            int expired = store.expireIdle(rules);
            if (expired > 0) {
                LOG.info("Expired {} series not updated for their TTL", expired);
            }
        } catch (RuntimeException e) {
            LOG.error("Series expiry failed; will retry", e); // never let the scheduler drop the task
        }
    }
}
