package io.promstream.store;

import static io.promstream.store.Samples.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.RejectReason;
import io.promstream.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A group's {@code push_time_seconds} and {@code push_failure_time_seconds} are the gateway's: a push that names
 * them is refused, the first time as every time after (an OTLP export repeated by its SDK found it accepted once
 * and refused as a conflict with itself on the repeat).
 */
class GroupOwnGaugesTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(StoreSettings.defaults(), clock, () -> Long.MAX_VALUE, 1);
    private final Partition partition = store.openPartition(0);

    @ParameterizedTest
    @ValueSource(strings = {"push_time_seconds", "push_failure_time_seconds"})
    void aPushNamingTheGroupsOwnGaugesIsRefusedEveryTimeAndCountsAsAFailure(String name) {
        for (boolean put : new boolean[] {true, false, false}) {
            clock.advance(Duration.ofSeconds(1));
            PushResult result = store.applyGroup(
                    Map.of("job", "j"),
                    put,
                    List.of(gauge("ok", 1), gauge(name, 7, "scope", "lib")),
                    clock.millis(),
                    partition);

            assertThat(result.isWhole()).isFalse();
            assertThat(result.refusedIndex()).isEqualTo(1);
            assertThat(result.refusal().reason()).isEqualTo(RejectReason.INVALID_NAME);
            assertThat(result.refusal().message()).contains("the group's own gauges");
        }
        Group group = store.groups().iterator().next();
        assertThat(store.families()).noneMatch(f -> f.name().equals("ok"));
        assertThat(store.families().stream()
                        .filter(f -> f.name().equals(name))
                        .flatMap(f -> store.snapshot(group, f).stream())
                        .map(s -> s.labels().toString()))
                .containsExactly("{instance=\"\",job=\"j\"}");
    }
}
