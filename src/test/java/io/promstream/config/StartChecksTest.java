package io.promstream.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.util.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules that stop the start when they are wrong, naming their key. */
class StartChecksTest {
    @Test
    void aBadFamilyPatternStopsTheStartNamingTheKey() {
        NativeHistogramsFactory factory = new NativeHistogramsFactory();
        factory.setFamilies(Map.of("rpc_(", 3));
        assertThatThrownBy(factory::buildDefaults)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nativeHistograms.families")
                .hasMessageContaining("rpc_(");
    }

    @Test
    void aBadTtlRuleStopsTheStartNamingTheKey() {
        AggregationFactory aggregation = new AggregationFactory();
        TtlRuleFactory rule = new TtlRuleFactory();
        rule.setFamilies("http_[");
        rule.setTtl(Duration.minutes(5));
        aggregation.setTtlRules(List.of(rule));
        assertThatThrownBy(aggregation::buildTtlRules)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aggregation.ttlRules[0].families");
    }

    private static AggregationFactory withFamilyRule(String families, boolean drop, List<String> without, int max) {
        FamilyRuleFactory rule = new FamilyRuleFactory();
        rule.setFamilies(families);
        rule.setDrop(drop);
        rule.setWithout(without);
        rule.setMaxSeries(max);
        AggregationFactory aggregation = new AggregationFactory();
        aggregation.setFamilyRules(List.of(rule));
        return aggregation;
    }

    @Test
    void aFamilyRuleThatCannotWorkStopsTheStartNamingTheKey() {
        assertThatThrownBy(withFamilyRule("http_(", false, List.of("pod"), 0)::buildFamilyRules)
                .hasMessageContaining("aggregation.familyRules[0].families");
        assertThatThrownBy(withFamilyRule("http_.*", false, List.of("bad-label"), 0)::buildFamilyRules)
                .hasMessageContaining("aggregation.familyRules[0].without")
                .hasMessageContaining("bad-label");
        assertThatThrownBy(withFamilyRule("http_.*", true, List.of("pod"), 0)::buildFamilyRules)
                .hasMessageContaining("aggregation.familyRules[0]")
                .hasMessageContaining("drops");
        assertThatThrownBy(withFamilyRule("http_.*", false, List.of(), 0)::buildFamilyRules)
                .hasMessageContaining("says nothing to do");
        AggregationFactory typed = withFamilyRule("http_.*", false, List.of("pod"), 0);
        typed.getFamilyRules().get(0).setType("countr");
        assertThatThrownBy(typed::buildFamilyRules)
                .hasMessageContaining("aggregation.familyRules[0].type")
                .hasMessageContaining("countr");
    }
}
