package io.promstream.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupingKeyTest {
    @Test
    void decodesPlainPercentAndBase64Values() {
        assertThat(GroupingKey.parse("job/batch/empty@base64/=/instance@base64/aG9zdC8x/zone/eu%2Fwest")
                        .labels())
                .containsExactly(
                        Map.entry("job", "batch"),
                        Map.entry("empty", ""),
                        Map.entry("instance", "host/1"),
                        Map.entry("zone", "eu/west"));
        assertThat(GroupingKey.parse("job@base64/bXkvam9i").labels()).containsEntry("job", "my/job");
        assertThat(GroupingKey.parse("job/a+b").labels()).containsEntry("job", "a+b");
    }

    @Test
    void refusesMalformedPaths() {
        assertThatThrownBy(() -> GroupingKey.parse("job")).hasMessageContaining("/metrics/job/<job>");
        assertThatThrownBy(() -> GroupingKey.parse("job/")).hasMessageContaining("job name is required");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/instance")).hasMessageContaining("odd number of components");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/__x/1")).hasMessageContaining("improper label name");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/x@base64/!!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/x/%zz")).hasMessageContaining("percent");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/x/%ff")).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> GroupingKey.parse("job/a/x@base64/_-8")).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void followsThePushgatewaysRulesForRepeatsTrailingSlashesAndJob() {
        assertThat(GroupingKey.parse("job/a/x/1/x/2").labels())
                .as("the last one wins")
                .containsEntry("x", "2");
        assertThat(GroupingKey.parse("job/a/job/b").labels())
                .as("a path job is ignored")
                .containsExactly(Map.entry("job", "a"));
        assertThat(GroupingKey.parse("job/a/").labels()).containsExactly(Map.entry("job", "a"));
        assertThat(GroupingKey.parse("job/a/x/").labels())
                .as("a trailing name/ is the empty value")
                .containsEntry("x", "");
        assertThat(GroupingKey.parse("job@base64/Zm9vL2Jhcg").labels())
                .as("padding optional")
                .containsEntry("job", "foo/bar");
    }

    @Test
    void readsTheAggregationGatewaysLabelPaths() {
        assertThat(GroupingKey.parseLabels("").labels()).isEmpty();
        assertThat(GroupingKey.parseLabels("/").labels()).isEmpty();
        assertThat(GroupingKey.parseLabels("domain/sometest.com/instance/nginx-1/")
                        .labels())
                .containsExactly(Map.entry("domain", "sometest.com"), Map.entry("instance", "nginx-1"));
        assertThatThrownBy(() -> GroupingKey.parseLabels("job")).hasMessageContaining("in pairs");
    }
}
