package io.promstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupingKeyTest {
    @Test
    void decodesPlainPercentAndBase64Values() {
        assertThat(GroupingKey.parse("job/batch/empty@base64/=/instance@base64/aG9zdC8x/zone/eu%2Fwest").labels())
                .containsExactly(Map.entry("job", "batch"), Map.entry("empty", ""), Map.entry("instance", "host/1"),
                        Map.entry("zone", "eu/west"));
        assertThat(GroupingKey.parse("job@base64/bXkvam9i").labels()).containsEntry("job", "my/job");
        assertThat(GroupingKey.parse("job/a+b").labels()).containsEntry("job", "a+b");
    }

    @Test
    void refusesMalformedPaths() {
        assertThatThrownBy(() -> GroupingKey.parse("job")).hasMessageContaining("/metrics/job/<job>");
        assertThatThrownBy(() -> GroupingKey.parse("job/")).hasMessageContaining("empty");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/instance")).hasMessageContaining("/metrics/job/<job>");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/__x/1")).hasMessageContaining("invalid label name");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/job/b")).hasMessageContaining("twice");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/x@base64/!!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/x/%zz")).hasMessageContaining("percent");
    }
}
