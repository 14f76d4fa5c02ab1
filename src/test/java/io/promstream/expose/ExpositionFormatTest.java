package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a scrape's {@code Accept} header chooses the format: by quality, as Prometheus' scrapers ask. */
class ExpositionFormatTest {
    /** What Prometheus 2.42 sends by default. */
    static final String PROMETHEUS = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /** What Prometheus 2.42 sends with {@code --enable-feature=native-histograms}. */
    static final String PROMETHEUS_NATIVE_HISTOGRAMS =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                    + "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;"
                    + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    @Test
    void prometheusGetsOpenMetricsAndWithNativeHistogramsProtobuf() {
        assertThat(ExpositionFormat.negotiate(PROMETHEUS)).isEqualTo(ExpositionFormat.OPEN_METRICS);
        assertThat(ExpositionFormat.negotiate(PROMETHEUS_NATIVE_HISTOGRAMS)).isEqualTo(ExpositionFormat.PROTOBUF);
    }

    @Test
    void protobufPreferredByQualityAloneWinsWhereverItIsWritten() {
        assertThat(ExpositionFormat.negotiate(
                        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
                                + "q=0.8,application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;"
                                + "q=0.3,*/*;q=0.2"))
                .isEqualTo(ExpositionFormat.PROTOBUF);
        assertThat(ExpositionFormat.negotiate("text/plain;q=0.3, application/vnd.google.protobuf; "
                        + "proto=\042io.prometheus.client.MetricFamily\042; encoding=delimited; q=0.9")) // quoted
                .isEqualTo(ExpositionFormat.PROTOBUF);
    }

    @Test
    void curlAndNoHeaderGetTheText() {
        assertThat(ExpositionFormat.negotiate("*/*")).isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate(null)).isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("")).isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("text/plain")).isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("text/*")).isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("application/json")).isEqualTo(ExpositionFormat.TEXT);
    }

    @Test
    void openMetricsWhenAskedForFirstOrBest() {
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text; version=1.0.0"))
                .isEqualTo(ExpositionFormat.OPEN_METRICS);
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text")).isEqualTo(ExpositionFormat.OPEN_METRICS);
        assertThat(ExpositionFormat.negotiate(
                        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"))
                .isEqualTo(ExpositionFormat.OPEN_METRICS);
        assertThat(ExpositionFormat.negotiate("text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0"))
                .as("a tie goes to the range written first")
                .isEqualTo(ExpositionFormat.TEXT);
    }

    @Test
    void qualitiesAreReadNotJustTheTypes() {
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;q=0.3,text/plain;q=0.5"))
                .isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;q=0,*/*"))
                .as("q=0: not acceptable")
                .isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("text/plain;q=0,application/openmetrics-text;q=0.1"))
                .isEqualTo(ExpositionFormat.OPEN_METRICS);
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;q=high,text/plain;q=0.1"))
                .as("a range whose quality is no number is left out")
                .isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("*/*;q=0.9,application/openmetrics-text;q=0.5"))
                .as("the wildcard's quality for the others, the named range's for OpenMetrics")
                .isEqualTo(ExpositionFormat.TEXT);
    }

    @Test
    void protobufOnlyAsLengthDelimitedMetricFamilies() {
        assertThat(ExpositionFormat.negotiate("application/vnd.google.protobuf"))
                .isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate(
                        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text"))
                .isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("application/vnd.google.protobuf;proto=other.Message;encoding=delimited"))
                .isEqualTo(ExpositionFormat.TEXT);
        assertThat(ExpositionFormat.negotiate("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                        + "encoding=delimited;q=0.2,text/plain;version=0.0.4;q=0.1"))
                .isEqualTo(ExpositionFormat.PROTOBUF);
        assertThat(ExpositionFormat.PROTOBUF.contentType())
                .isEqualTo(
                        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
    }
}
