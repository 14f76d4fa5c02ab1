package io.promstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.Summary;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Proves that the judges in {@link ExpositionParsers} and {@link PrometheusServer} can be trusted: each accepts a
 * good exposition of its format (as simpleclient 0.16 writes it) and rejects known-bad ones. Where a real parser
 * does NOT reject something that looks bad, the test pins that down too, so that nobody relies on a check that
 * does not exist (see /work/notes/exposition-rules.md).
 */
class ExpositionParsersTest {
    private static final String TEXT = TextFormat.CONTENT_TYPE_004;
    private static final String OPENMETRICS = TextFormat.CONTENT_TYPE_OPENMETRICS_100;
    /** The CESU-8 (or "modified UTF-8") form of the lone surrogate U+D800: not UTF-8. */
    private static final byte[] CESU8_LONE_SURROGATE = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final byte[] GOOD_TEXT = simpleclientExposition(TEXT);
    private static final byte[] GOOD_OPENMETRICS = simpleclientExposition(OPENMETRICS);

    /** Valid text 0.0.4 and valid OpenMetrics but for the missing "# EOF". */
    private static final byte[] TEXT_WITHOUT_EOF = bytes("""
            # HELP temperature Temperature.
            # TYPE temperature gauge
            temperature{room="a"} 21.5
            """);

    private static final byte[] CESU8_TEXT = bytes("""
            # HELP requests_total Requests.
            # TYPE requests_total counter
            requests_total{path=\"""", CESU8_LONE_SURROGATE, """
            "} 1.0
            """);
    private static final byte[] CESU8_OPENMETRICS = bytes("""
            # HELP requests Requests.
            # TYPE requests counter
            requests_total{path=\"""", CESU8_LONE_SURROGATE, """
            "} 1.0
            # EOF
            """);
    private static final byte[] EMPTY_FAMILY_NAME = bytes("""
            # TYPE  counter
            _total_total 1.0
            # EOF
            """);
    private static final byte[] NEGATIVE_BUCKET_NEGATIVE_SUM = bytes("""
            # TYPE latency histogram
            latency_bucket{le="-1.0"} 0.0
            latency_bucket{le="0.0"} 0.0
            latency_bucket{le="0.5"} 0.0
            latency_bucket{le="1.0E10"} 1.0
            latency_bucket{le="+Inf"} 1.0
            latency_count 1.0
            latency_sum -7.0
            # EOF
            """);
    private static final byte[] NEGATIVE_BUCKET_POSITIVE_SUM = bytes("""
            # TYPE latency histogram
            latency_bucket{le="-1.0"} 0.0
            latency_bucket{le="+Inf"} 1.0
            latency_count 1.0
            latency_sum 7.0
            # EOF
            """);
    private static final byte[] HISTOGRAM_NEGATIVE_SUM = bytes("""
            # TYPE latency histogram
            latency_bucket{le="0.0"} 0.0
            latency_bucket{le="1.0"} 1.0
            latency_bucket{le="+Inf"} 1.0
            latency_count 1.0
            latency_sum -7.0
            # EOF
            """);
    private static final byte[] SUMMARY_NEGATIVE_SUM = bytes("""
            # TYPE size summary
            size{quantile="0.5"} 1.0
            size_count 1.0
            size_sum -7.0
            # EOF
            """);
    private static final byte[] DUPLICATE_SERIES_TEXT = bytes("""
            # HELP dup_gauge A gauge.
            # TYPE dup_gauge gauge
            dup_gauge{a="1"} 1.0
            dup_gauge{a="1"} 2.0
            """);
    private static final byte[] ADJACENT_DUPLICATE_OPENMETRICS = bytes("""
            # TYPE dup_gauge gauge
            dup_gauge{a="1"} 1.0
            dup_gauge{a="1"} 2.0
            # EOF
            """);
    private static final byte[] INTERLEAVED_DUPLICATE_OPENMETRICS = bytes("""
            # TYPE dup_gauge gauge
            dup_gauge{a="1"} 1.0
            dup_gauge{a="2"} 1.0
            dup_gauge{a="1"} 2.0
            # EOF
            """);
    private static final byte[] COUNTER_FAMILY_ENDING_IN_TOTAL = bytes("""
            # TYPE x_total counter
            x_total_total 1.0
            # EOF
            """);

    @Test
    void goodExpositionsAreAcceptedByEveryParserOfTheirFormat() {
        assertThat(new String(GOOD_TEXT, StandardCharsets.UTF_8))
                .contains(
                        "le=\"+Inf\"",
                        "quantile=\"0.99\"",
                        "Z\u00fcrich \u2713 \ud83d\ude00",
                        "\\\"",
                        "\\n",
                        "\\\\",
                        "NaN",
                        "-Inf");
        assertThat(ExpositionParsers.promtoolText(GOOD_TEXT)).isNull();
        assertThat(ExpositionParsers.pythonText(GOOD_TEXT)).isNull();
        assertThat(ExpositionParsers.pythonOpenMetrics(GOOD_OPENMETRICS)).isNull();
        assertThat(ExpositionParsers.pythonParserVersion())
                .startsWith("0.16.")
                .contains("/usr/lib/python3/dist-packages/prometheus_client/");
    }

    @Test
    void promtoolReportsParseErrorsButNotLintFindings() {
        byte[] lintOnly = bytes("# TYPE requests counter\nrequests 1\n"); // no HELP, counter without _total
        ExpositionParsers.PromtoolResult lint = ExpositionParsers.promtool(lintOnly);
        assertThat(lint.parseError()).isNull();
        assertThat(lint.lintProblems())
                .contains("requests no help text", "requests counter metrics should have \"_total\" suffix");
        assertThat(ExpositionParsers.promtoolText(lintOnly)).isNull();

        ExpositionParsers.PromtoolResult broken = ExpositionParsers.promtool(bytes("requests{a=\"1\" 1\n"));
        assertThat(broken.parseError())
                .isEqualTo("text format parsing error in line 1: unexpected end of label value \"1\"");
        assertThat(broken.lintProblems()).isEmpty();
    }

    @Test
    void pythonOpenMetricsConsumesTheWholeExpositionAndRequiresEof() {
        String good = new String(GOOD_OPENMETRICS, StandardCharsets.UTF_8);
        assertThat(good).endsWith("# EOF\n");
        String withoutEof = good.substring(0, good.length() - "# EOF\n".length());
        assertThat(ExpositionParsers.pythonOpenMetrics(bytes(withoutEof)))
                .isEqualTo("ValueError: Missing # EOF at end");
        assertThat(ExpositionParsers.pythonOpenMetrics(bytes(good + "\n")))
                .isEqualTo("ValueError: Received line after # EOF: ");
        assertThat(ExpositionParsers.pythonOpenMetrics(bytes(withoutEof + "# EOF")))
                .isNull();
        assertThat(ExpositionParsers.pythonOpenMetrics(TEXT_WITHOUT_EOF)).isEqualTo("ValueError: Missing # EOF at end");
        assertThat(ExpositionParsers.pythonOpenMetrics(
                        bytes(new String(TEXT_WITHOUT_EOF, StandardCharsets.UTF_8) + "# EOF\n")))
                .isNull();
        // an error in the very last family surfaces: the generator is consumed to its end
        String lastFamilyBad = withoutEof + "# TYPE last counter\nlast_total -1\n# EOF\n";
        assertThat(ExpositionParsers.pythonOpenMetrics(bytes(lastFamilyBad)))
                .isEqualTo("ValueError: Counter-like samples cannot be negative: last_total -1");
        assertThat(ExpositionParsers.pythonText(bytes(new String(GOOD_TEXT, StandardCharsets.UTF_8) + "last 1 x\n")))
                .isEqualTo("ValueError: could not convert string to float: 'x'");
    }

    @Test
    void checksManyExpositionsInOnePythonProcess() {
        List<byte[]> expositions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expositions.add(i % 3 == 0 ? CESU8_OPENMETRICS : GOOD_OPENMETRICS);
        }
        long start = System.nanoTime();
        List<String> verdicts = ExpositionParsers.pythonOpenMetrics(expositions);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        for (int i = 0; i < verdicts.size(); i++) {
            if (i % 3 == 0) {
                assertThat(verdicts.get(i)).as("verdict %d", i).startsWith("not valid UTF-8");
            } else {
                assertThat(verdicts.get(i)).as("verdict %d", i).isNull();
            }
        }
        assertThat(took).as("one process, not one per exposition").isLessThan(Duration.ofSeconds(10));
        assertThat(ExpositionParsers.pythonText(List.of(GOOD_TEXT, CESU8_TEXT, DUPLICATE_SERIES_TEXT)))
                .containsExactly(
                        null,
                        "not valid UTF-8: 'utf-8' codec can't decode byte 0xed in position 83:"
                                + " invalid continuation byte",
                        null);
    }

    @Test
    void labelValueInCesu8IsRejectedInBothFormats() {
        assertThat(ExpositionParsers.promtoolText(CESU8_TEXT))
                .isEqualTo("text format parsing error in line 3: invalid label value \"\\xed\\xa0\\x80\"");
        assertThat(ExpositionParsers.pythonText(CESU8_TEXT)).startsWith("not valid UTF-8: ");
        assertThat(ExpositionParsers.pythonOpenMetrics(CESU8_OPENMETRICS)).startsWith("not valid UTF-8: ");
    }

    @Test
    void emptyFamilyNameIsRejectedByOpenMetrics() {
        assertThat(ExpositionParsers.pythonOpenMetrics(EMPTY_FAMILY_NAME))
                .isEqualTo("ValueError: Invalid metric name: ");
    }

    @Test
    void negativeHistogramSumsAreRejectedByOpenMetrics() {
        // with a negative _sum, the per-sample "counter-like" check fires before the negative-bucket check
        assertThat(ExpositionParsers.pythonOpenMetrics(NEGATIVE_BUCKET_NEGATIVE_SUM))
                .isEqualTo("ValueError: Counter-like samples cannot be negative: latency_sum -7.0");
        // a _sum at all is forbidden once a bucket bound is negative
        assertThat(ExpositionParsers.pythonOpenMetrics(NEGATIVE_BUCKET_POSITIVE_SUM))
                .isEqualTo("ValueError: Cannot have _sum with negative buckets: latency");
        // only non-negative bounds, negative _sum: rejected as well
        assertThat(ExpositionParsers.pythonOpenMetrics(HISTOGRAM_NEGATIVE_SUM))
                .isEqualTo("ValueError: Counter-like samples cannot be negative: latency_sum -7.0");
    }

    @Test
    void negativeSummarySumIsRejectedByOpenMetrics() {
        assertThat(ExpositionParsers.pythonOpenMetrics(SUMMARY_NEGATIVE_SUM))
                .isEqualTo("ValueError: Counter-like samples cannot be negative: size_sum -7.0");
    }

    @Test
    void duplicateSeriesAreNotCaughtInTextFormat() {
        // neither promtool 2.42 nor prometheus_client's text parser rejects a repeated series (nor does a
        // Prometheus 2.42 scrape: see prometheusParsesByContentType); a gateway must prevent it itself
        assertThat(ExpositionParsers.promtoolText(DUPLICATE_SERIES_TEXT)).isNull();
        assertThat(ExpositionParsers.pythonText(DUPLICATE_SERIES_TEXT)).isNull();
    }

    @Test
    void duplicateSeriesInOpenMetricsAreCaughtOnlyWhenNotAdjacent() {
        assertThat(ExpositionParsers.pythonOpenMetrics(ADJACENT_DUPLICATE_OPENMETRICS))
                .isNull();
        assertThat(ExpositionParsers.pythonOpenMetrics(INTERLEAVED_DUPLICATE_OPENMETRICS))
                .isEqualTo("ValueError: Invalid metric grouping: dup_gauge{a=\"1\"} 2.0");
    }

    @Test
    void counterFamilyEndingInTotalIsNotRejected() {
        assertThat(ExpositionParsers.pythonOpenMetrics(COUNTER_FAMILY_ENDING_IN_TOTAL))
                .isNull();
    }

    private record Case(String job, String contentType, byte[] body, boolean up, String errorFragment) {}

    @Test
    void prometheusParsesByContentType() {
        List<Case> cases = List.of(
                new Case("text_good", TEXT, GOOD_TEXT, true, ""),
                new Case("text_cesu8", TEXT, CESU8_TEXT, false, "invalid UTF-8 label value"),
                new Case("om_good", OPENMETRICS, GOOD_OPENMETRICS, true, ""),
                new Case("om_cesu8", OPENMETRICS, CESU8_OPENMETRICS, false, "invalid UTF-8 label value"),
                // the same bytes: fine as text/plain, rejected for the missing "# EOF" when labelled OpenMetrics
                new Case("text_without_eof", TEXT, TEXT_WITHOUT_EOF, true, ""),
                new Case(
                        "text_without_eof_served_as_om",
                        OPENMETRICS,
                        TEXT_WITHOUT_EOF,
                        false,
                        "data does not end with # EOF"),
                // simpleclient's 0.0.4 output ends label sets with a comma, which OpenMetrics forbids
                new Case(
                        "simpleclient_text_served_as_om",
                        OPENMETRICS,
                        GOOD_TEXT,
                        false,
                        "expected label name, got \"BCLOSE\""),
                new Case(
                        "om_empty_family_name",
                        OPENMETRICS,
                        EMPTY_FAMILY_NAME,
                        false,
                        "expected metric name after TYPE"),
                // Prometheus 2.42's OpenMetrics parser checks syntax only, none of these semantic rules
                new Case("om_negative_bucket_negative_sum", OPENMETRICS, NEGATIVE_BUCKET_NEGATIVE_SUM, true, ""),
                new Case("om_histogram_negative_sum", OPENMETRICS, HISTOGRAM_NEGATIVE_SUM, true, ""),
                new Case("om_summary_negative_sum", OPENMETRICS, SUMMARY_NEGATIVE_SUM, true, ""),
                new Case("om_counter_family_ending_in_total", OPENMETRICS, COUNTER_FAMILY_ENDING_IN_TOTAL, true, ""),
                new Case("om_interleaved_duplicate", OPENMETRICS, INTERLEAVED_DUPLICATE_OPENMETRICS, true, ""),
                new Case("text_duplicate", TEXT, DUPLICATE_SERIES_TEXT, true, ""));

        Instant before = Instant.now();
        try (StaticExpositionServer targets = StaticExpositionServer.start()) {
            Map<String, URI> jobs = new LinkedHashMap<>();
            for (Case c : cases) {
                jobs.put(c.job(), targets.serve("/" + c.job(), c.contentType(), c.body()));
            }
            try (PrometheusServer prometheus = PrometheusServer.start(jobs)) {
                SoftAssertions soft = new SoftAssertions();
                for (Case c : cases) {
                    PrometheusServer.TargetState state = prometheus.awaitScrape(c.job(), before, WAIT);
                    soft.assertThat(state.up())
                            .as("%s health: %s", c.job(), state)
                            .isEqualTo(c.up());
                    if (c.up()) {
                        soft.assertThat(state.lastError())
                                .as("%s lastError", c.job())
                                .isEmpty();
                    } else {
                        soft.assertThat(state.lastError())
                                .as("%s lastError", c.job())
                                .contains(c.errorFragment());
                    }
                    PrometheusServer.Sample up = prometheus.awaitSample("up{job=\"" + c.job() + "\"}", before, WAIT);
                    soft.assertThat(up.value()).as("%s up", c.job()).isEqualTo(c.up() ? 1.0 : 0.0);
                }
                // a repeated series is not an error: the first value is kept, the later one silently dropped
                soft.assertThat(prometheus
                                .awaitSample("dup_gauge{job=\"text_duplicate\"}", before, WAIT)
                                .value())
                        .isEqualTo(1.0);
                // what Prometheus 2.42 asks for, and what simpleclient's negotiation answers to it
                String accept = targets.lastAccept("/text_good");
                soft.assertThat(accept).startsWith("application/openmetrics-text;version=1.0.0,");
                soft.assertThat(TextFormat.chooseContentType(accept)).isEqualTo(OPENMETRICS);
                soft.assertAll();
            }
        }
    }

    private static byte[] simpleclientExposition(String contentType) {
        CollectorRegistry registry = new CollectorRegistry();
        Counter counter = Counter.build("requests_total", "Requests \\ \"served\"\nper path.")
                .labelNames("path", "city")
                .register(registry);
        counter.labels("/a\\b\"c\nd", "Z\u00fcrich \u2713 \ud83d\ude00").inc(3);
        counter.labels("", "").inc();
        Gauge gauge = Gauge.build("temperature_celsius", "Temperature.")
                .labelNames("room")
                .register(registry);
        gauge.labels("nan").set(Double.NaN);
        gauge.labels("hot").set(Double.POSITIVE_INFINITY);
        gauge.labels("cold").set(Double.NEGATIVE_INFINITY);
        gauge.labels("normal").set(-21.5);
        Histogram histogram = Histogram.build("latency_seconds", "Latency.")
                .buckets(0.1, 1, 1e10)
                .register(registry);
        histogram.observe(0.05);
        histogram.observe(3);
        Summary summary = Summary.build("size_bytes", "Size.")
                .quantile(0.5, 0.01)
                .quantile(0.99, 0.001)
                .register(registry);
        summary.observe(10);
        StringWriter out = new StringWriter();
        try {
            TextFormat.writeFormat(contentType, out, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
