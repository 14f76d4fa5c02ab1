package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static io.promstream.store.Samples.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.Sample;
import io.promstream.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A push's TTL: its series live that long after their last update, whatever their family's; a group's as a whole. */
class SeriesTtlTest {
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();

    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 1);
    private final Partition p = store.openPartition(0);
    private final TtlRules rules = new TtlRules(0, List.of(new TtlRules.Rule("ruled_.*", 10 * MINUTE)));

    private void apply(Sample sample) {
        assertThat(store.apply(sample, 0, clock.millis(), p)).isNull();
    }

    @Test
    void aPushsTtlOutranksTheFamilysAndStaysUntilAnotherPushChangesIt() {
        apply(counter("jobs", 1, "q", "short").ttl(MINUTE));
        apply(counter("jobs", 1, "q", "default"));
        apply(counter("ruled_jobs", 1, "q", "forever").ttl(0));
        apply(counter("ruled_jobs", 1, "q", "ruled"));
        clock.advance(Duration.ofSeconds(50));
        apply(counter("jobs", 1, "q", "short")); // no TTL: keeps its minute
        clock.advance(Duration.ofSeconds(50));
        assertThat(store.expireIdle(rules)).isZero();

        clock.advance(Duration.ofSeconds(11));
        assertThat(store.expireIdle(rules)).isEqualTo(1);
        assertThat(store.family("jobs").size()).isEqualTo(1); // q="default" lives by its family: never

        clock.advance(Duration.ofMinutes(10));
        assertThat(store.expireIdle(rules)).isEqualTo(1); // q="ruled"; q="forever" has its own 0
        assertThat(store.family("ruled_jobs").size()).isEqualTo(1);
        clock.advance(Duration.ofDays(400));
        assertThat(store.expireIdle(rules)).isZero();
    }

    @Test
    void aGroupPushedWithATtlExpiresWholeAfterItsLastPush() {
        Map<String, String> job = Map.of("job", "batch");
        store.applyGroup(
                job, true, List.of(gauge("a", 1).ttl(MINUTE), gauge("b", 1).ttl(MINUTE)), clock.millis(), p);
        clock.advance(Duration.ofSeconds(40));
        store.applyGroup(job, false, List.of(gauge("a", 2).ttl(MINUTE)), clock.millis(), p); // b not pushed again
        clock.advance(Duration.ofSeconds(40));
        assertThat(store.expireIdle(rules))
                .as("b was pushed 80 s ago, but its group 40 s ago")
                .isZero();

        clock.advance(Duration.ofSeconds(21));
        assertThat(store.expireIdle(rules)).isEqualTo(4); // a, b and the group's push_time and failure_time
        assertThat(store.groups()).isEmpty();
    }

    @Test
    void aSeriesOwnTtlSurvivesACheckpoint() throws Exception {
        apply(counter("jobs", 1, "q", "short").ttl(MINUTE));
        apply(counter("jobs", 1, "q", "default"));
        CheckpointCodec.Segment full = CheckpointCodec.take(store, p, true);

        MetricStore restored = new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 1);
        CheckpointCodec.load(restored, restored.openPartition(0), full.bytes());
        clock.advance(Duration.ofMinutes(2));
        assertThat(restored.expireIdle(rules)).isEqualTo(1);
        assertThat(restored.family("jobs").size()).isEqualTo(1);
    }
}
