package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PushBody} and the {@link PushConverter} behind it: a pushed exposition to validated store samples. */
class PushBodyTest {
    private static final Map<String, String> GROUP = Map.of("job", "j", "instance", "i");

    private static List<Sample> push(String text) throws TextFormatException {
        return PushBody.parse(text.getBytes(StandardCharsets.UTF_8), GROUP);
    }

    @Test
    void countersGaugesAndUntypedBecomeSamplesWithTheGroupingLabels() throws Exception {
        List<Sample> samples = push("""
                # TYPE jobs_total counter
                jobs_total{queue="a"} 3
                # TYPE temp gauge
                temp -1.5
                loose 7
                """);
        assertThat(samples).hasSize(3);
        assertThat(samples.get(0).type()).isEqualTo(MetricType.COUNTER);
        assertThat(samples.get(0).name()).isEqualTo("jobs_total");
        assertThat(samples.get(0).labels().toString()).isEqualTo("{instance=\"i\",job=\"j\",queue=\"a\"}");
        assertThat(samples.get(1).type()).isEqualTo(MetricType.GAUGE);
        assertThat(samples.get(1).value()).isEqualTo(-1.5);
        assertThat(samples.get(2).type()).as("untyped stays untyped").isEqualTo(MetricType.UNTYPED);
    }

    @Test
    void aHistogramBecomesOneWholeSamplePerSeries() throws Exception {
        List<Sample> samples = push("""
                # TYPE lat histogram
                lat_bucket{le="0.5"} 1
                lat_bucket{le="1"} 3
                lat_bucket{le="+Inf"} 4
                lat_sum 2.5
                lat_count 4
                lat_created 1700000000
                """);
        assertThat(samples).hasSize(1);
        Sample h = samples.get(0);
        assertThat(h.buckets().toArray()).containsExactly(0.5, 1);
        assertThat(h.aggregate().cumulative()).containsExactly(1, 3);
        assertThat(h.aggregate().count()).isEqualTo(4);
        assertThat(h.aggregate().sum()).isEqualTo(2.5);
    }

    @Test
    void aSummaryKeepsCountAndSumButNotItsQuantiles() throws Exception {
        List<Sample> samples = push("""
                # TYPE rt summary
                rt{quantile="0.5"} 10
                rt_sum 30
                rt_count 3
                """);
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0).aggregate().count()).isEqualTo(3);
        assertThat(samples.get(0).aggregate().quantileValues()).isNull();
        assertThat(samples.get(0).quantiles().isPresent()).isFalse();
    }

    @Test
    void theCreatedGaugesOfClientLibrariesAreIgnored() throws Exception {
        List<Sample> samples = push("""
                # TYPE jobs_total counter
                jobs_total 1
                # TYPE jobs_created gauge
                jobs_created 1.7e9
                # TYPE other_created gauge
                other_created 5
                """);
        assertThat(samples).extracting(Sample::name).containsExactly("jobs_total", "other_created");
    }

    @Test
    void everySampleIsValidatedAsAnyOtherAndTheFirstProblemRefusesThePush() {
        assertThatThrownBy(() -> push("# TYPE c counter\nc 1\nc{x=\"1\"} -1\n"))
                .isInstanceOf(TextFormatException.class)
                .hasMessageContaining("line 3")
                .satisfies(e -> assertThat(((TextFormatException) e).reason()).isEqualTo(RejectReason.INVALID_VALUE));
        assertThatThrownBy(() -> push("u{job=\"x\"} 1\n"))
                .satisfies(e -> assertThat(((TextFormatException) e).reason()).isEqualTo(RejectReason.INVALID_LABEL));
        assertThatThrownBy(() -> push("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n"))
                .hasMessageContaining("not cumulative");
        assertThatThrownBy(() -> push("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n"))
                .hasMessageContaining("differs from its +Inf bucket");
        assertThatThrownBy(() -> PushBody.parse(new byte[] {'x', ' ', (byte) 0xC0, (byte) 0xAF}, GROUP))
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> push("# TYPE g gauge\ng{name=\"a\\\"b\"} 1\ng{name=\"a\\\"b\"} 2\n"))
                .hasMessageContaining("line 3")
                .hasMessageContaining("series g{instance=\"i\",job=\"j\",name=\"a\\\"b\"} appears twice");
    }

    @Test
    void gaugesAndUntypedTakeInfinitiesAsThePushgatewayDoesButNotNaN() throws Exception {
        List<Sample> samples = push("# TYPE g gauge\ng{s=\"up\"} +Inf\ng{s=\"down\"} -Inf\nu +Inf\nv -Inf\n");
        assertThat(samples)
                .extracting(Sample::type, Sample::value)
                .containsExactly(
                        tuple(MetricType.GAUGE, Double.POSITIVE_INFINITY),
                        tuple(MetricType.GAUGE, Double.NEGATIVE_INFINITY),
                        tuple(MetricType.UNTYPED, Double.POSITIVE_INFINITY),
                        tuple(MetricType.UNTYPED, Double.NEGATIVE_INFINITY));
        for (String refused : List.of(
                "# TYPE c counter\nc +Inf\n",
                "# TYPE g gauge\ng NaN\n",
                "u NaN\n",
                "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum +Inf\n",
                "# TYPE s summary\ns_count 1\ns_sum -Inf\n")) {
            assertThatThrownBy(() -> push(refused))
                    .as(refused)
                    .satisfies(
                            e -> assertThat(((TextFormatException) e).reason()).isEqualTo(RejectReason.INVALID_VALUE));
        }
    }

    @Test
    void aTimestampRefusesThePushWithItsLineButTheTextWasRead() {
        // the parser reads the timestamp; the push refuses it, as the Pushgateway does after reading the body
        assertThatThrownBy(() -> push("ok 1\nx 1 2\n"))
                .isInstanceOf(TextFormatException.class)
                .hasMessageStartingWith("line 2: ")
                .hasMessageContaining("must not have timestamps")
                .satisfies(
                        e -> assertThat(((TextFormatException) e).isReadable()).isTrue());
        assertThatThrownBy(() -> push("ok 1\nx{ 1\n"))
                .satisfies(e -> assertThat(((TextFormatException) e).isReadable())
                        .as("a syntax error")
                        .isFalse());
    }
}
