package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {
    @ParameterizedTest
    @CsvSource({"a,true", "_a,true", ":a,true", "a:b_c9,true", "9a,false", "a-b,false", "a b,false", "é,false"})
    void metricNames(String name, boolean valid) {
        assertThat(Names.isValidMetricName(name)).isEqualTo(valid);
    }

    @ParameterizedTest
    @CsvSource({"a,true", "_a,true", "a9,true", "__a,false", ":a,false", "9a,false", "a.b,false"})
    void labelNames(String name, boolean valid) {
        assertThat(Names.isValidLabelName(name)).isEqualTo(valid);
    }
}
