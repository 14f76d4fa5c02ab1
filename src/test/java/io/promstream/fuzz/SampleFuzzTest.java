package io.promstream.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of both wire formats through their real ingestion paths; {@link IngestHarness}
 * says which properties every input keeps.
 *
 * <ul>
 *   <li>{@link #jsonElement}: a JSON element through the parser, the queue path ({@code ElementProcessor}) and
 *       the HTTP JSON path ({@code HttpIngestor.ingestJson});</li>
 *   <li>{@link #textPush}: a text-format push body through strict UTF-8 decoding, {@code TextFormatParser},
 *       {@code PushConverter} and all-or-nothing ingestion;</li>
 *   <li>{@link #protobufPush}: a protobuf push body (length-delimited {@code MetricFamily} messages) through the
 *       generated decoder, the same converter, and all-or-nothing ingestion, aggregated and replacing a group;</li>
 *   <li>{@link #otlpExport}: an OTLP export body, as protobuf and as JSON, through the proto's decoder, the
 *       translator and {@code HttpIngestor.ingestOtlp}, twice (a retry changes nothing).</li>
 * </ul>
 *
 * <p>In a plain {@code mvn test} each runs as a regression test on the empty input and on every file of its
 * committed corpus {@code src/test/resources/io/promstream/fuzz/SampleFuzzTestInputs/<method>/} (hostile inputs
 * written by {@link HostileCorpus}, plus any past findings). With the environment variable {@code JAZZER_FUZZ=1}
 * ({@code make fuzz}, part of {@code make test}) the one selected method fuzzes for {@code maxDuration} (override:
 * {@code JAZZER_MAX_DURATION}, e.g. {@code make fuzz FUZZ_TIME=10m}), seeded from its corpus; a failing input is
 * written into that directory, where it becomes a regression test once committed. Inputs Jazzer found
 * interesting land in {@code .cifuzz-corpus/} and seed the next local run.
 *
 * <p>A JSON input starting with byte {@code 0x01} is first turned into a mostly well-formed batch by
 * {@link StructuredElement}, so that the fuzzer also explores the store's semantics and not only JSON syntax.
 */
class SampleFuzzTest {
    private static final IngestHarness HARNESS = new IngestHarness();

    @FuzzTest(maxDuration = "25s")
    @DictionaryEntries({
        "\"type\"",
        "\"name\"",
        "\"value\"",
        "\"labels\"",
        "\"help\"",
        "\"buckets\"",
        "\"quantiles\"",
        "\"epsilons\"",
        "\"op\"",
        "\"timestamp\"",
        "\"schema\"",
        "\"native\"",
        "\"zeroCount\"",
        "\"positive\"",
        "\"counter\"",
        "\"gauge\"",
        "\"histogram\"",
        "\"summary\"",
        "\"set\"",
        "\"inc\"",
        "\"dec\"",
        "\"le\"",
        "\"quantile\"",
        "\"fuzz_seed\"",
        "\"fuzz_seed_total\"",
        "\"g\"",
        "\"h\"",
        "\"h_bucket\"",
        "\"h_count\"",
        "\"s_sum\"",
        "\"c_total\"",
        "\"prom_stream_gateway_series\"",
        "\"__name__\"",
        "1e400",
        "-0.0",
        "NaN",
        "Infinity",
        "\\u0000",
        "\\ud800",
        "true",
        "null",
        "[]",
        "{}",
        "\uFEFF"
    })
    void jsonElement(byte[] input) {
        HARNESS.check(StructuredElement.isStructured(input) ? StructuredElement.build(input) : input);
    }

    @FuzzTest(maxDuration = "25s")
    @DictionaryEntries({
        "# TYPE ",
        "# HELP ",
        " counter",
        " gauge",
        " histogram",
        " summary",
        " untyped",
        "_bucket{le=\"",
        "\"} ",
        "_count ",
        "_sum ",
        "_total ",
        "_created ",
        "{quantile=\"",
        "+Inf",
        "-Inf",
        "NaN",
        "job=\"",
        "instance",
        "c_total",
        "h_bucket",
        "fuzz_seed",
        "1e400"
    })
    void textPush(byte[] body) {
        HARNESS.checkText(body);
    }

    @FuzzTest(maxDuration = "25s")
    void protobufPush(byte[] body) {
        HARNESS.checkProtobuf(body);
    }

    @FuzzTest(maxDuration = "25s")
    @DictionaryEntries({
        "\"resourceMetrics\"",
        "\"scopeMetrics\"",
        "\"dataPoints\"",
        "\"aggregationTemporality\"",
        "\"isMonotonic\"",
        "\"asInt\"",
        "\"asDouble\"",
        "\"timeUnixNano\"",
        "\"bucketCounts\"",
        "\"explicitBounds\"",
        "\"stringValue\""
    })
    void otlpExport(byte[] body) {
        HARNESS.checkOtlp(body);
    }

    @AfterAll
    static void summary() {
        System.out.println("SampleFuzzTest: " + HARNESS.summary());
    }
}
