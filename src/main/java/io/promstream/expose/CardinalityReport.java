package io.promstream.expose;

import io.promstream.store.CardinalitySampler;
import io.promstream.store.CardinalitySampler.FamilyGrowth;
import io.promstream.store.CardinalitySampler.FamilySeries;
import io.promstream.store.LabelCardinality;
import io.promstream.store.LabelCardinality.LabelStat;
import io.promstream.store.MetricStore;
import java.time.InstantSource;
import java.util.List;

/**
 * The worst cardinality offenders for {@code GET /api/status}: the families of the sampler's last sample, and the
 * label names of a scan over every series, made on request and reused for {@link #RESCAN_MILLIS}.
 */
public final class CardinalityReport {
    /** How long a label scan's result is shown before a request scans again. */
    static final long RESCAN_MILLIS = 10_000;
    /** The most distinct values a scan counts per label name. */
    public static final int MAX_LABEL_VALUES = 10_000;

    /**
     * The top families by series and by growth at {@code sampledAtMillis} (0: not sampled yet), and the top label
     * names by distinct values at {@code labelsScannedAtMillis}.
     */
    public record Offenders(
            long sampledAtMillis,
            List<FamilySeries> families,
            List<FamilyGrowth> growth,
            long labelsScannedAtMillis,
            List<LabelStat> labels) {}

    private final MetricStore store;
    private final CardinalitySampler sampler;
    private final InstantSource clock;
    private final int top;
    private final int maxValues;
    private List<LabelStat> labels;
    private long scannedAtMillis;

    public CardinalityReport(
            MetricStore store, CardinalitySampler sampler, InstantSource clock, int top, int maxValues) {
        this.store = store;
        this.sampler = sampler;
        this.clock = clock;
        this.top = top;
        this.maxValues = maxValues;
    }

    public Offenders offenders() {
        CardinalitySampler.Top families = sampler.latest();
        synchronized (this) {
            long now = clock.millis();
            if (labels == null || now - scannedAtMillis >= RESCAN_MILLIS || now < scannedAtMillis) {
                labels = LabelCardinality.scan(store, top, maxValues);
                scannedAtMillis = now;
            }
            return new Offenders(
                    families.sampledAtMillis(), families.bySeries(), families.byGrowth(), scannedAtMillis, labels);
        }
    }
}
