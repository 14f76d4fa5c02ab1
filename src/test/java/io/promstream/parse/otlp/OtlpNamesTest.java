package io.promstream.parse.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Names by the OpenTelemetry specification's Prometheus compatibility rules, as Prometheus' receiver spells them. */
class OtlpNamesTest {
    @Test
    void unitsAndTypesBecomeSuffixes() {
        assertThat(OtlpNames.metricName("system.filesystem.usage", "By", OtlpNames.Kind.GAUGE))
                .isEqualTo("system_filesystem_usage_bytes");
        assertThat(OtlpNames.metricName("http.server.duration", "s", OtlpNames.Kind.OTHER))
                .isEqualTo("http_server_duration_seconds");
        assertThat(OtlpNames.metricName("http.server.requests", "1", OtlpNames.Kind.COUNTER))
                .isEqualTo("http_server_requests_total");
        assertThat(OtlpNames.metricName("cpu.utilization", "1", OtlpNames.Kind.GAUGE))
                .isEqualTo("cpu_utilization_ratio");
        assertThat(OtlpNames.metricName("active.users", "{user}", OtlpNames.Kind.GAUGE))
                .isEqualTo("active_users");
        assertThat(OtlpNames.metricName("speed", "m/s", OtlpNames.Kind.GAUGE)).isEqualTo("speed_meters_per_second");
        assertThat(OtlpNames.metricName("throughput", "{packet}/s", OtlpNames.Kind.GAUGE))
                .isEqualTo("throughput_per_second");
        assertThat(OtlpNames.metricName("temperature", "Cel", OtlpNames.Kind.GAUGE))
                .isEqualTo("temperature_celsius");
        assertThat(OtlpNames.metricName("queue.weird", "Foo-Bar", OtlpNames.Kind.GAUGE))
                .isEqualTo("queue_weird_Foo_Bar");
    }

    @Test
    void suffixesAreNotRepeatedAndTotalGoesLast() {
        assertThat(OtlpNames.metricName("bytes.sent", "By", OtlpNames.Kind.COUNTER))
                .isEqualTo("bytes_sent_total");
        assertThat(OtlpNames.metricName("jobs_total", "", OtlpNames.Kind.COUNTER))
                .isEqualTo("jobs_total");
        assertThat(OtlpNames.metricName("total.jobs", "", OtlpNames.Kind.COUNTER))
                .isEqualTo("jobs_total");
        assertThat(OtlpNames.metricName("duration.seconds", "s", OtlpNames.Kind.OTHER))
                .isEqualTo("duration_seconds");
        assertThat(OtlpNames.metricName("load_ratio", "1", OtlpNames.Kind.GAUGE))
                .isEqualTo("load_ratio");
    }

    @Test
    void oddCharactersAndLeadingDigits() {
        assertThat(OtlpNames.metricName("2xx.responses", "", OtlpNames.Kind.COUNTER))
                .isEqualTo("_2xx_responses_total");
        assertThat(OtlpNames.metricName("héllo..wörld", "", OtlpNames.Kind.GAUGE))
                .isEqualTo("h_llo_w_rld");
        assertThat(OtlpNames.metricName("ns:metric", "", OtlpNames.Kind.GAUGE)).isEqualTo("ns:metric");
    }

    @Test
    void labelNames() {
        assertThat(OtlpNames.labelName("http.method")).isEqualTo("http_method");
        assertThat(OtlpNames.labelName("a-b/c")).isEqualTo("a_b_c");
        assertThat(OtlpNames.labelName("1st")).isEqualTo("key_1st");
        assertThat(OtlpNames.labelName("_private")).isEqualTo("key_private");
        assertThat(OtlpNames.labelName("__reserved")).isEqualTo("key__reserved");
        assertThat(OtlpNames.labelName("ünïcode")).isEqualTo("key_n_code");
        assertThat(OtlpNames.labelName("")).isEmpty();
    }
}
