package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextFormatParserTest {
    @Test
    void parsesFamiliesWithHelpTypeAndEscapes() throws Exception {
        List<TextFamily> families = TextFormatParser.parse("""
                # HELP jobs_total Jobs \\\\ done\\nhere.
                # TYPE jobs_total counter
                jobs_total{queue="a\\"b\\\\c\\nd",zone="z",} 3
                jobs_total 1e3
                # a comment
                loose_metric{x="1"} -Inf

                # TYPE lat histogram
                lat_bucket{le="0.5"} 1
                lat_bucket{le="+Inf"} 2
                lat_sum 0.75
                lat_count 2
                """);
        assertThat(families).extracting(TextFamily::name).containsExactly("jobs_total", "loose_metric", "lat");
        TextFamily jobs = families.get(0);
        assertThat(jobs.type()).isEqualTo("counter");
        assertThat(jobs.help()).isEqualTo("Jobs \\ done\nhere.");
        assertThat(jobs.points().get(0).labelValues()).containsExactly("a\"b\\c\nd", "z");
        assertThat(jobs.points().get(1).value()).isEqualTo(1000);
        assertThat(families.get(1).type()).isEqualTo("untyped");
        assertThat(families.get(1).points().get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(families.get(2).points()).hasSize(4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "x{a=\"1\"} | missing value",
                "x 1 2a | invalid timestamp",
                "x 1 2 3 | unexpected text",
                "x{a=1} 1 | quoted value",
                "x{a=\"1} 1 | unterminated",
                "x{1a=\"1\"} 1 | invalid label name",
                "x{a=\"1\",a=\"2\"} 1 | duplicate label",
                "x{a=\"\\q\"} 1 | invalid escape",
                "x 1.0d | invalid value",
                "x abc | invalid value",
                "9x 1 | expected a metric name",
                "# TYPE x bogus | unknown type",
            })
    void refusesBadLinesWithTheirLineNumber(String line, String message) {
        assertThatThrownBy(() -> TextFormatParser.parse("ok 1\n" + line.replace("\\\\", "\\") + "\n"))
                .isInstanceOf(TextFormatException.class)
                .hasMessageStartingWith("line 2: ")
                .hasMessageContaining(message);
    }

    @Test
    void refusesFamiliesSplitApartOrTypedTwice() {
        assertThatThrownBy(() -> TextFormatParser.parse("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n"))
                .hasMessageStartingWith("line 5: ");
        assertThatThrownBy(() -> TextFormatParser.parse("# TYPE a gauge\n# TYPE a counter\n"))
                .hasMessageContaining("second # TYPE");
        assertThatThrownBy(() -> TextFormatParser.parse("a 1\n# TYPE a gauge\n"))
                .hasMessageContaining("after its samples");
    }

    /** Random expositions rendered by simpleclient's own writer parse back into the same samples. */
    @RepeatedTest(50)
    void randomExpositionsRoundTrip() throws Exception {
        Random random = new Random();
        List<MetricFamilySamples> families = new ArrayList<>();
        int count = 1 + random.nextInt(5);
        for (int f = 0; f < count; f++) {
            Collector.Type type = List.of(Collector.Type.COUNTER, Collector.Type.GAUGE, Collector.Type.UNKNOWN)
                    .get(random.nextInt(3));
            String name = "m" + f + "_" + random.nextInt(1000);
            List<MetricFamilySamples.Sample> samples = new ArrayList<>();
            int series = 1 + random.nextInt(4);
            for (int s = 0; s < series; s++) {
                List<String> names = new ArrayList<>();
                List<String> values = new ArrayList<>();
                int labels = random.nextInt(4);
                for (int l = 0; l < labels; l++) {
                    names.add("l" + l);
                    values.add(randomValue(random) + s);
                }
                double value = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(1000);
                    case 1 -> random.nextDouble() * 1e-9;
                    case 2 -> -random.nextDouble() * 1e12;
                    default -> random.nextGaussian();
                };
                String sampleName = type == Collector.Type.COUNTER ? name + "_total" : name;
                samples.add(new MetricFamilySamples.Sample(sampleName, names, values, value));
            }
            families.add(new MetricFamilySamples(name, type, "help " + randomValue(random), samples));
        }
        StringWriter out = new StringWriter();
        TextFormat.write004(out, Collections.enumeration(families));
        List<TextFamily> parsed = TextFormatParser.parse(out.toString());
        List<String> expected = new ArrayList<>();
        families.forEach(f -> f.samples.forEach(s -> expected.add(s.name + s.labelNames + s.labelValues + s.value)));
        List<String> actual = new ArrayList<>();
        parsed.forEach(
                f -> f.points().forEach(p -> actual.add(p.name() + p.labelNames() + p.labelValues() + p.value())));
        assertThat(actual).as(out.toString()).isEqualTo(expected);
    }

    private static String randomValue(Random random) {
        String alphabet = "abc XYZ_-/\\\"\n{},=é😀";
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(8);
        for (int i = 0; i < length; i++) {
            sb.appendCodePoint(alphabet.codePoints()
                    .toArray()[random.nextInt((int) alphabet.codePoints().count())]);
        }
        return sb.toString();
    }
}
