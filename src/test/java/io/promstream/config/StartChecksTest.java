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
}
