package io.promstream.store;

import static io.promstream.store.Samples.counter;
import static io.promstream.store.Samples.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import io.promstream.parse.MetricType;
import io.promstream.parse.RejectReason;
import io.promstream.parse.Sample;
import io.promstream.testing.ManualClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code aggregation.familyRules}: labels aggregated away, families dropped, series quotas, on every way in. */
class FamilyRulesTest {
    private final ManualClock clock = new ManualClock();
    private final MetricStore store = new MetricStore(
            new StoreSettings(
                    100,
                    600_000,
                    5,
                    1000,
                    160,
                    NativeDefaults.NONE,
                    new StoreRules(
                            new FamilyRules(List.of(
                                    new FamilyRule(
                                            "http_requests", MetricType.COUNTER, false, Set.of("request_id", "pod"), 0),
                                    new FamilyRule("debug_.*", null, true, Set.of(), 0),
                                    new FamilyRule("per_user", null, false, Set.of(), 3))),
                            CredentialQuotas.NONE)),
            clock);

    private Map<LabelSet, Double> values(String family) {
        return store.snapshot(store.family(family)).stream()
                .collect(Collectors.toMap(SeriesSnapshot::labels, SeriesSnapshot::value));
    }

    private Refusal apply(Sample sample) {
        return store.apply(sample, 0, clock.millis(), store.partition(0));
    }

    @Test
    void theLabelsOfAWithoutRuleAreAggregatedAwayOneSampleAtATime() {
        assertThat(apply(counter("http_requests_total", 1, "code", "200", "request_id", "a", "pod", "p1")))
                .isNull();
        assertThat(apply(counter("http_requests_total", 2, "code", "200", "request_id", "b", "pod", "p2")))
                .isNull();
        assertThat(apply(counter("http_requests_total", 4, "code", "500", "request_id", "c")))
                .isNull();

        assertThat(values("http_requests"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        LabelSet.of(Map.of("code", "200")), 3.0,
                        LabelSet.of(Map.of("code", "500")), 4.0));
        assertThat(store.seriesCount()).isEqualTo(2);
    }

    @Test
    void samplesThatARuleMakesOneSeriesAddUpInOnePush() {
        PushResult result = store.applyAll(
                List.of(
                        counter("http_requests_total", 1, "request_id", "a"),
                        counter("http_requests_total", 2, "request_id", "b"),
                        counter("http_requests_total", 4, "request_id", "c"),
                        counter("other_total", 1, "request_id", "a"),
                        counter("other_total", 1, "request_id", "b")),
                i -> 0,
                0,
                store.partition(0));

        assertThat(result.isWhole()).isTrue();
        assertThat(result.applied()).isEqualTo(5);
        assertThat(values("http_requests")).containsExactlyEntriesOf(Map.of(LabelSet.EMPTY, 7.0));
        assertThat(values("other")).hasSize(2);
    }

    @Test
    void aPushWithTheSameSeriesTwiceIsStillRefusedWhereNoRuleMadeThemOne() {
        PushResult result = store.applyAll(
                List.of(counter("other_total", 1, "a", "1"), counter("other_total", 1, "a", "1")),
                i -> 0,
                0,
                store.partition(0));

        assertThat(result.refusal().reason()).isEqualTo(RejectReason.INVALID_MESSAGE);
    }

    @Test
    void aDroppedFamilyKeepsNothingAndCountsEverySample() {
        assertThat(apply(gauge("debug_queue_depth", 3))).isNull();
        PushResult push =
                store.applyAll(List.of(gauge("debug_other", 1), gauge("kept", 2)), i -> 0, 0, store.partition(0));

        assertThat(push.isWhole()).isTrue();
        assertThat(store.droppedByRule()).isEqualTo(2);
        assertThat(store.seriesCount()).isEqualTo(1);
        assertThat(store.family("kept")).isNotNull();
        assertThat(store.family("debug_queue_depth").size()).isZero();
    }

    @Test
    void aFamilyQuotaRefusesNewSeriesAndKeepsUpdatingTheOnesItHolds() {
        for (int i = 0; i < 3; i++) {
            assertThat(apply(counter("per_user_total", 1, "user", "u" + i))).isNull();
        }

        Refusal refusal = apply(counter("per_user_total", 1, "user", "u3"));
        assertThat(refusal.reason()).isEqualTo(RejectReason.FAMILY_SERIES_LIMIT);
        assertThat(refusal.message()).contains("per_user", "3");
        assertThat(apply(counter("per_user_total", 1, "user", "u0"))).isNull();
        assertThat(values("per_user").get(LabelSet.of(Map.of("user", "u0")))).isEqualTo(2.0);

        PushResult push = store.applyAll(
                List.of(counter("fine_total", 1), counter("per_user_total", 1, "user", "u4")),
                i -> 0,
                0,
                store.partition(0));
        assertThat(push.refusal().reason()).isEqualTo(RejectReason.FAMILY_SERIES_LIMIT);
        assertThat(store.family("fine")).as("all or nothing").isNull();
    }

    @Test
    void aGroupPushWhoseSeriesARuleMakesOneIsRefusedSayingWhy() {
        PushResult result = store.applyGroup(
                Map.of("job", "j"),
                true,
                List.of(
                        counter("http_requests_total", 1, "request_id", "a"),
                        counter("http_requests_total", 2, "request_id", "b")),
                0,
                store.partition(0));

        assertThat(result.refusal().reason()).isEqualTo(RejectReason.INVALID_MESSAGE);
        assertThat(result.refusal().message()).contains("[pod, request_id]", "aggregation.familyRules");
    }

    @Test
    void aGroupPushKeepsItsSeriesWithoutTheRuleLabelsAndSkipsDroppedFamilies() {
        PushResult result = store.applyGroup(
                Map.of("job", "j"),
                true,
                List.of(counter("http_requests_total", 1, "request_id", "a", "code", "200"), gauge("debug_x", 1)),
                0,
                store.partition(0));

        assertThat(result.isWhole()).isTrue();
        assertThat(values("http_requests")).containsOnlyKeys(LabelSet.of(Map.of("code", "200")));
        assertThat(store.droppedByRule()).isEqualTo(1);
    }

    @Test
    void aRuleNamingATypeLeavesFamiliesOfAnotherTypeAlone() {
        assertThat(apply(gauge("http_requests", 1, "request_id", "a"))).isNull();
        assertThat(apply(gauge("http_requests", 1, "request_id", "b"))).isNull();
        assertThat(store.family("http_requests").size()).isEqualTo(2);
    }
}
