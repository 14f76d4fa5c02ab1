package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The former {@code persistence} section, still read so that existing configurations start: the store is no
 * longer saved to a file but checkpointed to Redis, per shard, every {@code checkpoint.interval}
 * (docs/configuration.md). One mechanism: a file on one gateway's disk cannot follow a shard to another gateway.
 */
public class PersistenceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(PersistenceFactory.class);

    @JsonProperty
    private String file = "";

    @JsonProperty
    private Duration interval = Duration.minutes(1);

    /** Says once, at start, that a configured snapshot file is not used any more. */
    public void warnIfConfigured() {
        if (file != null && !file.isBlank()) {
            LOG.warn(
                    "persistence.file ({}) is no longer used and is ignored: the store is checkpointed to Redis "
                            + "every checkpoint.interval; remove the persistence section",
                    file);
        }
    }

    public String getFile() {
        return file;
    }

    public Duration getInterval() {
        return interval;
    }
}
