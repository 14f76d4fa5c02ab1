package io.promstream.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeHistogramsFactoryTest {
    @Test
    void aBadFamilyPatternStopsTheStartNamingTheKey() {
        NativeHistogramsFactory factory = new NativeHistogramsFactory();
        factory.setFamilies(Map.of("rpc_(", 3));
        assertThatThrownBy(factory::buildDefaults)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nativeHistograms.families")
                .hasMessageContaining("rpc_(");
    }
}
