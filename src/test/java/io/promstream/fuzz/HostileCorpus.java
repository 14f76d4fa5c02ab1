package io.promstream.fuzz;

import static io.promstream.parse.RejectReason.INVALID_BUCKETS;
import static io.promstream.parse.RejectReason.INVALID_JSON;
import static io.promstream.parse.RejectReason.INVALID_LABEL;
import static io.promstream.parse.RejectReason.INVALID_MESSAGE;
import static io.promstream.parse.RejectReason.INVALID_NAME;
import static io.promstream.parse.RejectReason.INVALID_QUANTILES;
import static io.promstream.parse.RejectReason.INVALID_VALUE;
import static io.promstream.parse.RejectReason.SERIES_LIMIT;
import static io.promstream.parse.RejectReason.TOO_LARGE;
import static io.promstream.parse.RejectReason.TYPE_CONFLICT;
import static io.promstream.parse.RejectReason.UNKNOWN_TYPE;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.parse.RejectReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * The committed corpus of hostile inputs, each with the verdict docs/semantics.md's rejection table promises. The files
 * under {@code SampleFuzzTestInputs/jsonElement/} are written from here ({@code HostileCorpusTest} checks that
 * they match, and rewrites them with {@code -DwriteCorpus=true}); Jazzer runs each file through
 * {@link IngestHarness} as a regression test and seeds fuzzing with them.
 *
 * <p>The harness' store already holds the counters {@code fuzz_seed} (labels {@code a="x"}) and {@code c}, the
 * gauge {@code g}, the histogram {@code h} (also with the text pushes' grouping labels) and the summary
 * {@code s}, and is capped at
 * {@value IngestHarness#MAX_SERIES} series; the element limit is {@value IngestHarness#MAX_MESSAGE_BYTES} bytes.
 */
public final class HostileCorpus {
    private HostileCorpus() {}

    /**
     * @param elementRejection the reason the whole element is rejected, or {@code null}
     * @param verdicts otherwise one per sample in order, {@code null} = applied
     */
    public record Entry(String name, byte[] bytes, RejectReason elementRejection, List<RejectReason> verdicts) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A sample with an unused name, to wrap hostile fields in. */
    private static String counter(String extraFields) {
        return "{\"type\":\"counter\",\"name\":\"hostile_total\",\"value\":1" + extraFields + "}";
    }

    public static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        // ---- well-formed seeds of every type, for the fuzzer to mutate ----
        ok(
                out,
                "valid-native-histograms",
                "[{\"type\":\"histogram\",\"name\":\"nh\",\"schema\":3,\"value\":0.25},"
                        + "{\"type\":\"histogram\",\"name\":\"nh\",\"native\":{\"schema\":1,\"count\":4,"
                        + "\"sum\":2.5,\"zeroCount\":1,\"positive\":{\"-2\":2,\"1\":1}}},"
                        + "{\"type\":\"histogram\",\"name\":\"nh\",\"schema\":9,\"value\":1},"
                        + "{\"type\":\"histogram\",\"name\":\"h\",\"schema\":0,\"value\":1},"
                        + "{\"type\":\"histogram\",\"name\":\"nh\",\"native\":{\"schema\":1,\"count\":1,"
                        + "\"sum\":1,\"positive\":{\"x\":1}}}]",
                null,
                null,
                INVALID_BUCKETS,
                INVALID_BUCKETS,
                INVALID_MESSAGE);
        ok(
                out,
                "ttl-on-samples",
                "[{\"type\":\"counter\",\"name\":\"t\",\"value\":1,\"ttl\":90},"
                        + "{\"type\":\"counter\",\"name\":\"t\",\"value\":1,\"ttl\":\"5m\",\"labels\":{\"a\":\"b\"}},"
                        + "{\"type\":\"counter\",\"name\":\"t\",\"value\":1,\"ttl\":-1}]",
                null,
                null,
                INVALID_MESSAGE);
        whole(
                out,
                "ttl-bad-envelope",
                "{\"ttl\":\"soon\",\"metrics\":[{\"type\":\"counter\",\"name\":\"t\",\"value\":1}]}",
                INVALID_MESSAGE);
        ok(
                out,
                "valid-counter",
                counter(",\"labels\":{\"queue\":\"mail\",\"n\":3,\"ok\":true,\"empty\":\"\"},\"help\":\"Jobs.\""));
        ok(
                out,
                "valid-gauge-ops",
                "[{\"type\":\"gauge\",\"name\":\"temp\",\"value\":-3.5,\"timestamp\":1700000000000},"
                        + "{\"type\":\"gauge\",\"name\":\"temp\",\"value\":1,\"op\":\"inc\"},{\"type\":\"GAUGE\",\"name\":\"temp\",\"value\":2,\"op\":\"DEC\"}]",
                null,
                null,
                null);
        ok(
                out,
                "valid-histogram",
                "{\"type\":\"histogram\",\"name\":\"lat_seconds\",\"value\":0.3,\"buckets\":[0.1,0.5,1e3],\"labels\":{\"route\":\"/a\"}}");
        ok(
                out,
                "valid-summary",
                "{\"type\":\"summary\",\"name\":\"size_bytes\",\"value\":42,\"quantiles\":[0.5,0.99],\"epsilons\":[0.05,0.001]}");
        ok(
                out,
                "existing-series",
                "[{\"type\":\"counter\",\"name\":\"fuzz_seed\",\"value\":2,\"labels\":{\"a\":\"x\"}},"
                        + "{\"type\":\"histogram\",\"name\":\"h\",\"value\":3,\"buckets\":[5]},{\"type\":\"summary\",\"name\":\"s\",\"value\":2},"
                        + "{\"type\":\"gauge\",\"name\":\"g\",\"value\":9,\"timestamp\":500}]",
                null,
                null,
                null,
                null);

        // ---- not JSON, broken JSON, JSON extensions Jackson must refuse ----
        whole(out, "empty", "", INVALID_JSON);
        whole(out, "whitespace-only", " \t\r\n ", INVALID_JSON);
        whole(out, "nul-bytes", bytes(0, 0, 0, 0), INVALID_JSON);
        whole(out, "truncated-object", "{\"type\":\"counter\",\"name\":\"x\",\"val", INVALID_JSON);
        whole(out, "truncated-batch", "[" + counter("") + ",", INVALID_JSON);
        whole(out, "trailing-garbage", counter("") + "x", INVALID_JSON);
        whole(out, "two-objects", counter("") + counter(""), INVALID_JSON);
        whole(out, "comment", "/* hi */" + counter(""), INVALID_JSON);
        whole(out, "single-quotes", "{'type':'counter','name':'x','value':1}", INVALID_JSON);
        whole(out, "unquoted-keys", "{type:\"counter\",name:\"x\",value:1}", INVALID_JSON);
        whole(out, "trailing-comma", "{\"type\":\"counter\",\"name\":\"x\",\"value\":1,}", INVALID_JSON);
        whole(out, "leading-zero", "{\"type\":\"counter\",\"name\":\"x\",\"value\":01}", INVALID_JSON);
        whole(out, "hex-number", "{\"type\":\"counter\",\"name\":\"x\",\"value\":0x10}", INVALID_JSON);
        whole(
                out,
                "raw-control-char-in-string",
                "{\"type\":\"counter\",\"name\":\"x\u0001\",\"value\":1}",
                INVALID_JSON);
        whole(out, "bad-escape", "{\"type\":\"counter\",\"name\":\"\\x41\",\"value\":1}", INVALID_JSON);

        // ---- NaN and Infinity spellings: literals are not JSON, strings are not numbers, overflow is not finite ----
        String[][] literals = {
            {"NaN", "nan-camel"},
            {"-NaN", "minus-nan"},
            {"nan", "nan-lower"},
            {"Infinity", "infinity"},
            {"-Infinity", "minus-infinity"},
            {"+Infinity", "plus-infinity"},
            {"inf", "inf-lower"},
            {"INF", "inf-upper"},
            {"+1", "plus-one"},
            {".5", "leading-dot"},
            {"1.", "trailing-dot"}
        };
        for (String[] literal : literals) {
            whole(
                    out,
                    "literal-" + literal[1],
                    "{\"type\":\"gauge\",\"name\":\"x\",\"value\":" + literal[0] + "}",
                    INVALID_JSON);
        }
        samples(out, "string-nan", "{\"type\":\"gauge\",\"name\":\"x\",\"value\":\"NaN\"}", INVALID_MESSAGE);
        samples(out, "overflow-1e400", "{\"type\":\"gauge\",\"name\":\"x\",\"value\":1e400}", INVALID_VALUE);
        samples(out, "overflow-minus-1e400", "{\"type\":\"gauge\",\"name\":\"x\",\"value\":-1e400}", INVALID_VALUE);
        samples(out, "underflow-1e-400", counter("").replace("\"value\":1", "\"value\":1e-400"), (RejectReason) null);
        samples(out, "minus-zero-counter", counter("").replace("\"value\":1", "\"value\":-0.0"), (RejectReason) null);
        samples(out, "negative-counter", counter("").replace("\"value\":1", "\"value\":-1e-300"), INVALID_VALUE);
        samples(
                out,
                "bucket-overflow",
                "{\"type\":\"histogram\",\"name\":\"x\",\"value\":1,\"buckets\":[1,1e999]}",
                INVALID_BUCKETS);

        // ---- huge numbers ----
        samples(
                out,
                "digits-309-finite",
                counter("").replace("\"value\":1", "\"value\":1" + "0".repeat(307)),
                (RejectReason) null);
        samples(
                out,
                "digits-400-overflows",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":" + "9".repeat(400) + "}",
                INVALID_VALUE);
        whole(out, "digits-401", "{\"type\":\"gauge\",\"name\":\"x\",\"value\":" + "9".repeat(401) + "}", INVALID_JSON);
        whole(
                out,
                "digits-60000",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":" + "1".repeat(60_000) + "}",
                INVALID_JSON);
        whole(
                out,
                "fraction-digits-5000",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":0." + "3".repeat(5000) + "}",
                INVALID_JSON);
        whole(
                out,
                "exponent-huge",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":1e" + "9".repeat(500) + "}",
                INVALID_JSON);
        samples(
                out,
                "timestamp-1e20",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":1,\"timestamp\":1e20}",
                INVALID_MESSAGE);
        samples(
                out,
                "timestamp-negative",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":1,\"timestamp\":-1}",
                INVALID_MESSAGE);
        samples(
                out,
                "counter-overflow-to-inf",
                "[" + counter("").replace("\"value\":1", "\"value\":1.7e308") + ","
                        + counter("").replace("\"value\":1", "\"value\":1.7e308") + "]",
                null,
                INVALID_VALUE);

        // ---- deep nesting (limit 32) ----
        whole(out, "nesting-arrays-1000", "[".repeat(1000) + "]".repeat(1000), INVALID_JSON);
        whole(out, "nesting-objects-100", "{\"a\":".repeat(100) + "1" + "}".repeat(100), INVALID_JSON);
        whole(out, "nesting-33-in-unknown-field", counter(",\"x\":" + "[".repeat(32) + "]".repeat(32)), INVALID_JSON);
        ok(out, "nesting-32-in-unknown-field", counter(",\"x\":" + "[".repeat(31) + "]".repeat(31)));
        whole(out, "nesting-unclosed-60000", "[".repeat(60_000), INVALID_JSON);

        // ---- invalid UTF-8 and other encodings ----
        whole(
                out,
                "utf8-invalid-continuation",
                concat("{\"type\":\"counter\",\"name\":\"x\",\"help\":\"", bytes(0xC3, 0x28), "\",\"value\":1}"),
                INVALID_JSON);
        whole(
                out,
                "utf8-overlong-slash",
                concat("{\"type\":\"counter\",\"name\":\"x\",\"help\":\"", bytes(0xC0, 0xAF), "\",\"value\":1}"),
                INVALID_JSON);
        whole(
                out,
                "utf8-overlong-in-label-value",
                concat(
                        "{\"type\":\"counter\",\"name\":\"x\",\"labels\":{\"k\":\"",
                        bytes(0xE0, 0x80, 0xAF),
                        "\"},\"value\":1}"),
                INVALID_JSON);
        whole(
                out,
                "utf8-encoded-surrogate",
                concat("{\"type\":\"counter\",\"name\":\"x\",\"help\":\"", bytes(0xED, 0xA0, 0x80), "\",\"value\":1}"),
                INVALID_JSON);
        whole(out, "utf8-truncated-at-end", concat(counter(""), bytes(0xE2, 0x82)), INVALID_JSON);
        whole(
                out,
                "utf8-beyond-u10ffff",
                concat(
                        "{\"type\":\"counter\",\"name\":\"x\",\"labels\":{\"k\":\"",
                        bytes(0xF5, 0x80, 0x80, 0x80),
                        "\"},\"value\":1}"),
                INVALID_JSON);
        whole(
                out,
                "latin1-label-value",
                concat(
                        "{\"type\":\"counter\",\"name\":\"x\",\"labels\":{\"city\":\"M",
                        bytes(0xFC),
                        "nchen\"},\"value\":1}"),
                INVALID_JSON);
        whole(
                out,
                "invalid-utf8-in-label-name",
                concat("{\"type\":\"counter\",\"name\":\"x\",\"labels\":{\"", bytes(0xFF), "\":\"v\"},\"value\":1}"),
                INVALID_JSON);
        // an escaped lone surrogate is valid JSON but no Unicode text: it could never be written as UTF-8
        samples(out, "escaped-lone-surrogate-label", counter(",\"labels\":{\"k\":\"\\ud800\"}"), INVALID_JSON);
        samples(out, "escaped-lone-low-surrogate-help", counter(",\"help\":\"a\\udc00b\""), INVALID_JSON);
        // values OpenMetrics cannot carry as such: the exposition must leave them out there, and stay valid
        ok(
                out,
                "histogram-negative-buckets",
                "{\"type\":\"histogram\",\"name\":\"hn\",\"value\":-7,\"buckets\":[-1,0,0.5,1e10]}");
        ok(out, "histogram-negative-sum", "{\"type\":\"histogram\",\"name\":\"hs\",\"value\":-7,\"buckets\":[0.5,1]}");
        ok(out, "summary-negative-values", "{\"type\":\"summary\",\"name\":\"sn\",\"value\":-2}");
        ok(out, "escaped-surrogate-pair-label", counter(",\"labels\":{\"k\":\"\\ud83d\\ude00\"}"));
        samples(out, "counter-named-total", "{\"type\":\"counter\",\"name\":\"_total\",\"value\":1}", INVALID_NAME);
        samples(
                out,
                "counter-total-twice",
                "{\"type\":\"counter\",\"name\":\"x_total_total\",\"value\":1}",
                INVALID_NAME);
        samples(
                out,
                "unknown-op-on-counter",
                "{\"type\":\"counter\",\"name\":\"x\",\"value\":1,\"op\":\"add\"}",
                INVALID_MESSAGE);
        ok(out, "escaped-nul-label", counter(",\"labels\":{\"k\":\"a\\u0000b\"}"));
        ok(out, "utf8-bom", concat(bytes(0xEF, 0xBB, 0xBF), counter("")));
        // JSON between systems is UTF-8 (RFC 8259): UTF-16, with or without a BOM, is refused
        whole(
                out,
                "utf16be-bom",
                concat(bytes(0xFE, 0xFF), counter("").getBytes(StandardCharsets.UTF_16BE)),
                INVALID_JSON);
        whole(out, "utf16le-no-bom", counter("").getBytes(StandardCharsets.UTF_16LE), INVALID_JSON);
        whole(out, "bom-twice", concat(bytes(0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF), counter("")), INVALID_JSON);
        samples(out, "unicode-metric-name", "{\"type\":\"counter\",\"name\":\"caf\u00e9\",\"value\":1}", INVALID_NAME);
        samples(out, "unicode-label-name", counter(",\"labels\":{\"\u00e9t\u00e9\":\"x\"}"), INVALID_LABEL);

        // ---- duplicate keys: the last one wins at the top level; duplicated labels are refused ----
        ok(out, "duplicate-name-key", "{\"type\":\"counter\",\"name\":\"first\",\"name\":\"dup_total\",\"value\":1}");
        samples(
                out,
                "duplicate-name-key-first-invalid",
                "{\"type\":\"counter\",\"name\":\"a b\",\"name\":\"dup_total\",\"value\":1}",
                INVALID_NAME);
        samples(out, "duplicate-label", counter(",\"labels\":{\"a\":\"1\",\"a\":\"2\"}"), INVALID_LABEL);
        samples(out, "duplicate-label-one-empty", counter(",\"labels\":{\"a\":\"\",\"a\":\"2\"}"), (RejectReason) null);
        samples(
                out,
                "duplicate-type-key-first-unknown",
                "{\"type\":\"bogus\",\"type\":\"counter\",\"name\":\"x\",\"value\":1}",
                UNKNOWN_TYPE);
        ok(out, "duplicate-value-key", "{\"type\":\"counter\",\"name\":\"x\",\"value\":-1,\"value\":1}");

        // ---- sizes: 64 KiB strings, the element limit, label and bucket counts ----
        String pad = "y".repeat(IngestHarness.MAX_MESSAGE_BYTES - 100);
        ok(
                out,
                "help-64kib-under-limit",
                "{\"type\":\"counter\",\"name\":\"big\",\"value\":1,\"help\":\"" + pad + "\"}");
        String exact = "{\"type\":\"counter\",\"name\":\"big\",\"value\":1,\"help\":\"\"}";
        ok(
                out,
                "exactly-the-limit",
                exact.replace(
                        "\"help\":\"\"",
                        "\"help\":\"" + "z".repeat(IngestHarness.MAX_MESSAGE_BYTES - exact.length()) + "\""));
        whole(
                out,
                "one-byte-over-the-limit",
                exact.replace(
                        "\"help\":\"\"",
                        "\"help\":\"" + "z".repeat(IngestHarness.MAX_MESSAGE_BYTES - exact.length() + 1) + "\""),
                TOO_LARGE);
        whole(out, "label-value-64kib", counter(",\"labels\":{\"k\":\"" + "v".repeat(65_536) + "\"}"), TOO_LARGE);
        ok(out, "label-value-60kib", counter(",\"labels\":{\"k\":\"" + "v".repeat(60_000) + "\"}"));
        ok(out, "metric-name-60kib", "{\"type\":\"gauge\",\"name\":\"" + "n".repeat(60_000) + "\",\"value\":1}");
        samples(
                out,
                "label-name-40k-invalid",
                counter(",\"labels\":{\"" + "9".repeat(40_000) + "\":\"v\"}"),
                INVALID_LABEL);
        whole(
                out,
                "label-name-60k-over-jackson-limit",
                counter(",\"labels\":{\"" + "k".repeat(60_000) + "\":\"v\"}"),
                INVALID_JSON);
        samples(out, "labels-64", counter(",\"labels\":{" + labels(64) + "}"), (RejectReason) null);
        samples(out, "labels-65", counter(",\"labels\":{" + labels(65) + "}"), INVALID_LABEL);
        // the cap counts the series' labels: an empty value is no label, on every path
        samples(
                out,
                "labels-64-and-one-empty",
                counter(",\"labels\":{" + labels(64) + ",\"empty\":\"\"}"),
                (RejectReason) null);
        samples(
                out,
                "buckets-256",
                "{\"type\":\"histogram\",\"name\":\"hb\",\"value\":1,\"buckets\":[" + range(256) + "]}",
                (RejectReason) null);
        samples(
                out,
                "buckets-257",
                "{\"type\":\"histogram\",\"name\":\"hb\",\"value\":1,\"buckets\":[" + range(257) + "]}",
                INVALID_BUCKETS);
        samples(
                out,
                "quantiles-33",
                "{\"type\":\"summary\",\"name\":\"sq\",\"value\":1,\"quantiles\":[" + fractions(33) + "]}",
                INVALID_QUANTILES);
        List<RejectReason> many = new ArrayList<>(Collections.nCopies(1500, (RejectReason) null));
        out.add(new Entry(
                "batch-1500-samples",
                batch(1500, i -> "{\"type\":\"counter\",\"name\":\"c\",\"value\":1}"),
                null,
                many));

        // ---- wrong shapes and types ----
        whole(out, "null", "null", INVALID_MESSAGE);
        whole(out, "number", "42", INVALID_MESSAGE);
        whole(out, "string", "\"counter\"", INVALID_MESSAGE);
        ok(out, "empty-batch", "[]", new RejectReason[0]);
        samples(
                out,
                "batch-of-scalars",
                "[1,\"x\",null,true,[]]",
                INVALID_MESSAGE,
                INVALID_MESSAGE,
                INVALID_MESSAGE,
                INVALID_MESSAGE,
                INVALID_MESSAGE);
        samples(out, "empty-object", "{}", INVALID_MESSAGE);
        samples(out, "value-string", "{\"type\":\"counter\",\"name\":\"x\",\"value\":\"1\"}", INVALID_MESSAGE);
        samples(out, "value-bool", "{\"type\":\"counter\",\"name\":\"x\",\"value\":true}", INVALID_MESSAGE);
        samples(out, "value-array", "{\"type\":\"counter\",\"name\":\"x\",\"value\":[1]}", INVALID_MESSAGE);
        samples(out, "type-number", "{\"type\":1,\"name\":\"x\",\"value\":1}", INVALID_MESSAGE);
        samples(out, "type-padded", "{\"type\":\"counter \",\"name\":\"x\",\"value\":1}", UNKNOWN_TYPE);
        samples(out, "type-untyped", "{\"type\":\"untyped\",\"name\":\"x\",\"value\":1}", UNKNOWN_TYPE);
        // the JSON metrics server's wrapper as a queue element: its samples judged as a batch's
        samples(
                out,
                "wrapper",
                "{\"metrics\":[{\"metric_type\":\"counter\",\"name\":\"c\",\"value\":{\"value\":1}},"
                        + "{\"type\":\"counter\",\"name\":\"c\",\"value\":-1},7],\"source\":\"s\"}",
                null,
                INVALID_VALUE,
                INVALID_MESSAGE);
        samples(out, "wrapper-empty", "{\"source\":\"s\",\"metrics\":[]}");
        samples(
                out,
                "wrapper-escaped-name",
                "{\"metr\\u0069cs\":[{\"type\":\"gauge\",\"name\":\"g\",\"value\":2}]}",
                (RejectReason) null);
        samples(
                out,
                "metrics-not-array",
                "{\"type\":\"gauge\",\"name\":\"g\",\"value\":2,\"metrics\":{}}",
                (RejectReason) null);
        samples(out, "labels-array", counter(",\"labels\":[\"a\"]"), INVALID_MESSAGE);
        samples(out, "label-value-object", counter(",\"labels\":{\"a\":{\"b\":1}}"), INVALID_LABEL);
        samples(out, "label-value-null", counter(",\"labels\":{\"a\":null}"), INVALID_LABEL);
        samples(out, "op-unknown", "{\"type\":\"gauge\",\"name\":\"x\",\"value\":1,\"op\":\"mul\"}", INVALID_MESSAGE);
        samples(
                out,
                "timestamp-string",
                "{\"type\":\"gauge\",\"name\":\"x\",\"value\":1,\"timestamp\":\"now\"}",
                INVALID_MESSAGE);
        samples(
                out,
                "buckets-unsorted",
                "{\"type\":\"histogram\",\"name\":\"x\",\"value\":1,\"buckets\":[2,1]}",
                INVALID_BUCKETS);
        samples(
                out,
                "buckets-empty",
                "{\"type\":\"histogram\",\"name\":\"x\",\"value\":1,\"buckets\":[]}",
                INVALID_BUCKETS);
        samples(
                out,
                "buckets-strings",
                "{\"type\":\"histogram\",\"name\":\"x\",\"value\":1,\"buckets\":[\"1\"]}",
                INVALID_BUCKETS);
        samples(
                out,
                "quantiles-bounds",
                "{\"type\":\"summary\",\"name\":\"x\",\"value\":1,\"quantiles\":[0,1]}",
                INVALID_QUANTILES);
        samples(
                out,
                "quantiles-duplicate",
                "{\"type\":\"summary\",\"name\":\"x\",\"value\":1,\"quantiles\":[0.5,0.5]}",
                INVALID_QUANTILES);
        samples(
                out,
                "epsilons-length",
                "{\"type\":\"summary\",\"name\":\"x\",\"value\":1,\"quantiles\":[0.5],\"epsilons\":[0.1,0.1]}",
                INVALID_QUANTILES);

        // ---- names and labels ----
        samples(out, "name-empty", "{\"type\":\"counter\",\"name\":\"\",\"value\":1}", INVALID_NAME);
        samples(out, "name-leading-digit", "{\"type\":\"counter\",\"name\":\"1x\",\"value\":1}", INVALID_NAME);
        samples(
                out,
                "name-injection",
                "{\"type\":\"counter\",\"name\":\"x{a=\\\"b\\\"} 1\\n# EOF\",\"value\":1}",
                INVALID_NAME);
        samples(
                out,
                "name-reserved",
                "{\"type\":\"gauge\",\"name\":\"prom_stream_gateway_series\",\"value\":1}",
                INVALID_NAME);
        samples(out, "label-dunder", counter(",\"labels\":{\"__name__\":\"y\"}"), INVALID_LABEL);
        samples(
                out,
                "label-le-on-histogram",
                "{\"type\":\"histogram\",\"name\":\"x\",\"value\":1,\"labels\":{\"le\":\"1\"}}",
                INVALID_LABEL);
        samples(
                out,
                "label-quantile-on-summary",
                "{\"type\":\"summary\",\"name\":\"x\",\"value\":1,\"labels\":{\"quantile\":\"1\"}}",
                INVALID_LABEL);
        ok(out, "label-value-injection", counter(",\"labels\":{\"k\":\"\\\"} 1\\n# EOF\\n\\\\\"}"));

        // ---- collisions with the seeded families, and the series cap ----
        samples(
                out,
                "gauge-named-like-counter",
                "{\"type\":\"gauge\",\"name\":\"c_total\",\"value\":1}",
                TYPE_CONFLICT);
        samples(
                out,
                "gauge-named-like-bucket",
                "{\"type\":\"gauge\",\"name\":\"h_bucket\",\"value\":1}",
                TYPE_CONFLICT);
        samples(out, "counter-over-histogram", "{\"type\":\"counter\",\"name\":\"h\",\"value\":1}", TYPE_CONFLICT);
        samples(
                out,
                "gauge-named-like-created",
                "{\"type\":\"gauge\",\"name\":\"fuzz_seed_created\",\"value\":1}",
                TYPE_CONFLICT);
        samples(
                out,
                "conflict-then-ok",
                "[{\"type\":\"summary\",\"name\":\"g\",\"value\":1},{\"type\":\"gauge\",\"name\":\"g\",\"value\":2}]",
                TYPE_CONFLICT,
                null);
        List<RejectReason> capped = new ArrayList<>(
                Collections.nCopies(IngestHarness.MAX_SERIES - IngestHarness.SEED_SERIES, (RejectReason) null));
        capped.addAll(Collections.nCopies(20 - capped.size(), SERIES_LIMIT));
        out.add(new Entry(
                "series-limit",
                batch(20, i -> "{\"type\":\"counter\",\"name\":\"cap\",\"value\":1,\"labels\":{\"i\":\"" + i + "\"}}"),
                null,
                capped));
        samples(
                out,
                "mixed-batch",
                "[" + counter("") + ",{\"type\":\"counter\",\"name\":\"x\",\"value\":-1},42,"
                        + "{\"type\":\"histogram\",\"name\":\"x\",\"value\":1},{\"type\":\"gauge\",\"name\":\"hostile_total\",\"value\":1}]",
                null,
                INVALID_VALUE,
                INVALID_MESSAGE,
                null,
                TYPE_CONFLICT);
        return out;
    }

    /**
     * Hostile text-format pushes (to {@code /metrics/job/fuzz/instance/a}), with the verdicts docs/semantics.md's
     * "Prometheus text format on Pushgateway paths" section promises. Written under
     * {@code SampleFuzzTestInputs/textPush/}.
     */
    public static List<Entry> textEntries() {
        List<Entry> out = new ArrayList<>();
        ok(out, "valid-gauge", "# TYPE backup_duration_seconds gauge\nbackup_duration_seconds 42\n");
        ok(
                out,
                "valid-counter",
                "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{queue=\"mail\"} 3\n"
                        + "jobs_total{queue=\"sms\"} 1.5e3\njobs_created{queue=\"mail\"} 1.7e9\n",
                null,
                null);
        ok(
                out,
                "valid-histogram",
                "# TYPE lat_seconds histogram\nlat_seconds_bucket{le=\"0.1\"} 1\n"
                        + "lat_seconds_bucket{le=\"1\"} 3\nlat_seconds_bucket{le=\"+Inf\"} 4\nlat_seconds_count 4\n"
                        + "lat_seconds_sum 2.5\nlat_seconds_created 1.7e9\n",
                (RejectReason) null);
        ok(
                out,
                "valid-summary",
                "# TYPE size_bytes summary\nsize_bytes{quantile=\"0.5\"} 3\nsize_bytes_count 7\n"
                        + "size_bytes_sum 21\n",
                (RejectReason) null);
        ok(
                out,
                "valid-untyped-crlf",
                "# A comment\r\nsome_value{a=\"1\",b=\"x\\\"y\\\\z\\n\"} -3\r\n\r\n",
                (RejectReason) null);
        ok(
                out,
                "existing-series",
                "# TYPE c counter\nc_total 2\n# TYPE g gauge\ng 5\n# TYPE h histogram\n"
                        + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 7\n",
                null,
                null,
                null);
        ok(out, "empty", "", new RejectReason[0]);
        ok(out, "comments-only", "# just a comment\n#\n", new RejectReason[0]);
        whole(out, "timestamp", "# TYPE t gauge\nt 1 1700000000000\n", INVALID_MESSAGE);
        whole(out, "invalid-utf8", concat("# TYPE u gauge\nu{a=\"", bytes(0xC3, 0x28), "\"} 1\n"), INVALID_MESSAGE);
        whole(out, "utf8-overlong", concat("# TYPE u gauge\nu{a=\"", bytes(0xC0, 0xAF), "\"} 1\n"), INVALID_MESSAGE);
        whole(out, "bad-escape", "u{a=\"\\q\"} 1\n", INVALID_MESSAGE);
        whole(out, "unclosed-labels", "u{a=\"x\" 1\n", INVALID_MESSAGE);
        whole(out, "no-value", "u\n", INVALID_MESSAGE);
        whole(out, "value-garbage", "u 1x\n", INVALID_MESSAGE);
        whole(out, "grouping-label-pushed", "u{job=\"other\"} 1\n", INVALID_LABEL);
        whole(out, "type-twice", "# TYPE u gauge\n# TYPE u counter\nu 1\n", INVALID_MESSAGE);
        whole(
                out,
                "split-family",
                "# TYPE u gauge\nu{a=\"1\"} 1\n# TYPE v gauge\nv 1\nu{a=\"2\"} 2\n",
                INVALID_MESSAGE);
        whole(out, "bad-metric-name", "1u 1\n", INVALID_MESSAGE);
        whole(out, "bad-label-name", "u{1a=\"x\"} 1\n", INVALID_MESSAGE);
        whole(out, "duplicate-label", "u{a=\"x\",a=\"y\"} 1\n", INVALID_MESSAGE);
        whole(
                out,
                "histogram-without-inf",
                "# TYPE hh histogram\nhh_bucket{le=\"1\"} 1\nhh_count 1\nhh_sum 1\n",
                INVALID_MESSAGE);
        // NaN refuses a push whole (invalid_value); ±Inf only a counter's, as gauges and untyped take it
        whole(out, "gauge-nan", "# TYPE gn gauge\ngn NaN\n", INVALID_VALUE);
        ok(out, "gauge-inf", "# TYPE gi gauge\ngi +Inf\n", (RejectReason) null);
        ok(out, "untyped-minus-inf", "ui{a=\"1\"} -Inf\nui{a=\"2\"} +Inf\n", null, null);
        whole(out, "untyped-nan", "un NaN\n", INVALID_VALUE);
        whole(out, "counter-inf", "# TYPE ci counter\nci_total +Inf\n", INVALID_VALUE);
        whole(out, "counter-negative", "# TYPE cn counter\ncn_total -1\n", INVALID_VALUE);
        whole(out, "counter-named-total", "# TYPE _total counter\n_total 1\n", INVALID_NAME);
        whole(out, "counter-total-twice", "# TYPE x_total_total counter\nx_total_total 1\n", INVALID_NAME);
        whole(out, "same-series-twice", "u{a=\"1\"} 1\nu{a=\"1\"} 2\n", INVALID_MESSAGE);
        whole(out, "same-counter-as-x-and-x-total", "# TYPE k counter\nk 1\nk_total 2\n", INVALID_MESSAGE);
        whole(
                out,
                "histogram-sum-twice",
                "# TYPE hs histogram\nhs_bucket{le=\"+Inf\"} 1\nhs_bucket{le=\"1\"} 1\n"
                        + "hs_sum 1\nhs_sum 2\nhs_count 1\n",
                INVALID_MESSAGE);
        whole(out, "help-bad-escape", "# HELP u a \\t tab\nu 1\n", INVALID_MESSAGE);
        ok(out, "space-before-labels", "u {a=\"x\"} 2\n");
        // the path's job and instance count towards the 64 labels of a series
        ok(out, "labels-62-and-2-from-the-path", "u{" + textLabels(62) + "} 1\n");
        whole(out, "labels-63-and-2-from-the-path", "u{" + textLabels(63) + "} 1\n", INVALID_LABEL);
        whole(out, "type-conflict-with-store", "# TYPE c_total gauge\nc_total 1\n", TYPE_CONFLICT);
        whole(
                out,
                "bucket-layout-mismatch",
                "# TYPE h histogram\nh_bucket{le=\"5\"} 1\nh_bucket{le=\"+Inf\"} 1\n" + "h_count 1\nh_sum 1\n",
                INVALID_BUCKETS);
        whole(
                out,
                "reserved-name",
                "# TYPE prom_stream_gateway_series gauge\nprom_stream_gateway_series 1\n",
                INVALID_NAME);
        whole(out, "label-value-64kib", "u{a=\"" + "v".repeat(65_536) + "\"} 1\n", TOO_LARGE); // as by LPUSH
        ok(out, "label-value-60kib", "u{a=\"" + "v".repeat(60_000) + "\"} 1\n");
        StringBuilder many = new StringBuilder("# TYPE cap gauge\n");
        for (int i = 0; i < 20; i++) {
            many.append("cap{i=\"").append(i).append("\"} 1\n");
        }
        // found by the fuzzer: a push is checked against its own earlier lines too, so nothing of it is applied
        out.add(new Entry(
                "intra-push-type-conflict",
                "a 1\n# TYPE a_total counter\na_total 1\n".getBytes(StandardCharsets.UTF_8),
                TYPE_CONFLICT,
                List.of()));
        // the cap is part of the whole-push check: a push that does not fit under it is refused whole
        out.add(new Entry("series-limit", many.toString().getBytes(StandardCharsets.UTF_8), SERIES_LIMIT, List.of()));
        return out;
    }

    /** Protobuf pushes (length-delimited MetricFamily messages) and what the aggregating path says of them. */
    public static List<Entry> protobufEntries() {
        List<Entry> out = new ArrayList<>();
        Metrics.MetricFamily counter = family(
                "pc",
                Metrics.MetricType.COUNTER,
                metric(m -> m.addLabel(label("a", "x"))
                        .setCounter(Metrics.Counter.newBuilder().setValue(3))));
        Metrics.MetricFamily gauge = family(
                "pg",
                Metrics.MetricType.GAUGE,
                metric(m -> m.setGauge(Metrics.Gauge.newBuilder().setValue(-1.5))));
        Metrics.MetricFamily histogram = family(
                "ph",
                Metrics.MetricType.HISTOGRAM,
                metric(m -> m.setHistogram(Metrics.Histogram.newBuilder()
                        .setSampleCount(4)
                        .setSampleSum(8)
                        .addBucket(Metrics.Bucket.newBuilder().setUpperBound(1).setCumulativeCount(1))
                        .addBucket(Metrics.Bucket.newBuilder().setUpperBound(2).setCumulativeCount(3)))));
        Metrics.MetricFamily summary = family(
                "ps",
                Metrics.MetricType.SUMMARY,
                metric(m -> m.setSummary(Metrics.Summary.newBuilder()
                        .setSampleCount(10)
                        .setSampleSum(20.5)
                        .addQuantile(
                                Metrics.Quantile.newBuilder().setQuantile(0.5).setValue(1)))));
        Metrics.MetricFamily untyped = family(
                "pu",
                Metrics.MetricType.UNTYPED,
                metric(m -> m.setUntyped(Metrics.Untyped.newBuilder().setValue(7))));
        out.add(new Entry(
                "all-types",
                delimited(counter, gauge, histogram, summary, untyped),
                null,
                Arrays.asList(null, null, null, null, null)));
        out.add(new Entry("empty", new byte[0], null, List.of()));
        out.add(new Entry(
                "gauge-and-untyped-inf",
                delimited(
                        family(
                                "pgi",
                                Metrics.MetricType.GAUGE,
                                metric(m ->
                                        m.setGauge(Metrics.Gauge.newBuilder().setValue(Double.NEGATIVE_INFINITY)))),
                        family(
                                "pui",
                                Metrics.MetricType.UNTYPED,
                                metric(m -> m.setUntyped(
                                        Metrics.Untyped.newBuilder().setValue(Double.POSITIVE_INFINITY))))),
                null,
                Arrays.asList(null, null)));
        byte[] whole = delimited(counter, gauge);
        out.add(new Entry("truncated", Arrays.copyOf(whole, whole.length - 2), INVALID_MESSAGE, List.of()));
        out.add(new Entry("not-protobuf", "pc 1\n".getBytes(StandardCharsets.UTF_8), INVALID_MESSAGE, List.of()));
        out.add(new Entry("family-twice", delimited(gauge, gauge), INVALID_MESSAGE, List.of()));
        out.add(new Entry(
                "bad-name",
                delimited(family(
                        "1bad",
                        Metrics.MetricType.GAUGE,
                        metric(m -> m.setGauge(Metrics.Gauge.newBuilder().setValue(1))))),
                INVALID_NAME,
                List.of()));
        out.add(new Entry(
                "bad-label",
                delimited(family(
                        "pg",
                        Metrics.MetricType.GAUGE,
                        metric(m -> m.addLabel(label("__x", "1"))
                                .setGauge(Metrics.Gauge.newBuilder().setValue(1))))),
                INVALID_LABEL,
                List.of()));
        out.add(new Entry(
                "timestamp",
                delimited(family(
                        "pg",
                        Metrics.MetricType.GAUGE,
                        metric(m -> m.setTimestampMs(5)
                                .setGauge(Metrics.Gauge.newBuilder().setValue(1))))),
                INVALID_MESSAGE,
                List.of()));
        out.add(new Entry(
                "negative-counter",
                delimited(family(
                        "pc",
                        Metrics.MetricType.COUNTER,
                        metric(m -> m.setCounter(Metrics.Counter.newBuilder().setValue(-1))))),
                INVALID_VALUE,
                List.of()));
        out.add(new Entry(
                "nan-gauge",
                delimited(family(
                        "pg",
                        Metrics.MetricType.GAUGE,
                        metric(m -> m.setGauge(Metrics.Gauge.newBuilder().setValue(Double.NaN))))),
                INVALID_VALUE,
                List.of()));
        out.add(new Entry(
                "native-histogram",
                delimited(family(
                        "ph",
                        Metrics.MetricType.HISTOGRAM,
                        metric(m -> m.setHistogram(Metrics.Histogram.newBuilder()
                                .setSchema(3)
                                .setSampleCount(1)
                                .addPositiveSpan(Metrics.BucketSpan.newBuilder()
                                        .setOffset(0)
                                        .setLength(1))
                                .addPositiveDelta(1))))),
                null,
                Collections.singletonList(null))); // a native histogram, taken whole (docs/native-histograms.md)
        out.add(new Entry(
                "native-histogram-deltas-short",
                delimited(family(
                        "ph",
                        Metrics.MetricType.HISTOGRAM,
                        metric(m -> m.setHistogram(Metrics.Histogram.newBuilder()
                                .setSchema(3)
                                .setSampleCount(2)
                                .addPositiveSpan(Metrics.BucketSpan.newBuilder()
                                        .setOffset(0)
                                        .setLength(2))
                                .addPositiveDelta(1))))),
                INVALID_BUCKETS,
                List.of()));
        out.add(new Entry(
                "native-histogram-count-short",
                delimited(family(
                        "ph",
                        Metrics.MetricType.HISTOGRAM,
                        metric(m -> m.setHistogram(Metrics.Histogram.newBuilder()
                                .setSchema(0)
                                .setZeroThreshold(1e-9)
                                .setSampleCount(1)
                                .addPositiveSpan(Metrics.BucketSpan.newBuilder()
                                        .setOffset(-2)
                                        .setLength(1))
                                .addPositiveDelta(5))))),
                INVALID_BUCKETS,
                List.of()));
        out.add(new Entry(
                "gauge-histogram",
                delimited(family(
                        "pgh",
                        Metrics.MetricType.GAUGE_HISTOGRAM,
                        metric(m ->
                                m.setHistogram(Metrics.Histogram.newBuilder().setSampleCount(1))))),
                INVALID_MESSAGE,
                List.of()));
        out.add(new Entry(
                "type-conflict-with-store",
                delimited(family(
                        "c_total",
                        Metrics.MetricType.GAUGE,
                        metric(m -> m.setGauge(Metrics.Gauge.newBuilder().setValue(1))))),
                TYPE_CONFLICT,
                List.of()));
        out.add(new Entry(
                "histogram-without-buckets",
                delimited(family(
                        "phb",
                        Metrics.MetricType.HISTOGRAM,
                        metric(m -> m.setHistogram(
                                Metrics.Histogram.newBuilder().setSampleCount(2).setSampleSum(1))))),
                INVALID_MESSAGE,
                List.of()));
        return out;
    }

    private static Metrics.MetricFamily family(String name, Metrics.MetricType type, Metrics.Metric... metrics) {
        return Metrics.MetricFamily.newBuilder()
                .setName(name)
                .setType(type)
                .addAllMetric(List.of(metrics))
                .build();
    }

    private static Metrics.Metric metric(UnaryOperator<Metrics.Metric.Builder> fill) {
        return fill.apply(Metrics.Metric.newBuilder()).build();
    }

    private static Metrics.LabelPair label(String name, String value) {
        return Metrics.LabelPair.newBuilder().setName(name).setValue(value).build();
    }

    private static byte[] delimited(Metrics.MetricFamily... families) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (Metrics.MetricFamily family : families) {
                family.writeDelimitedTo(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen writing to memory", e);
        }
        return out.toByteArray();
    }

    /** Seeds for {@link StructuredElement} (first byte {@code 0x01}); no fixed verdicts, only the properties. */
    public static List<Entry> structuredSeeds() {
        List<Entry> out = new ArrayList<>();
        Random random = new Random(20261122);
        for (int i = 0; i < 8; i++) {
            byte[] bytes = new byte[48 + 16 * i];
            random.nextBytes(bytes);
            bytes[0] = StructuredElement.MARKER;
            out.add(new Entry("structured-" + i, bytes, null, null));
        }
        return out;
    }

    // ---- builders ----

    private static void ok(List<Entry> out, String name, String json) {
        ok(out, name, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void ok(List<Entry> out, String name, byte[] bytes) {
        out.add(new Entry(name, bytes, null, Arrays.asList((RejectReason) null)));
    }

    private static void ok(List<Entry> out, String name, String json, RejectReason... verdicts) {
        out.add(new Entry(name, json.getBytes(StandardCharsets.UTF_8), null, Arrays.asList(verdicts)));
    }

    private static void samples(List<Entry> out, String name, String json, RejectReason... verdicts) {
        out.add(new Entry(name, json.getBytes(StandardCharsets.UTF_8), null, Arrays.asList(verdicts)));
    }

    private static void whole(List<Entry> out, String name, String json, RejectReason reason) {
        whole(out, name, json.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static void whole(List<Entry> out, String name, byte[] bytes, RejectReason reason) {
        out.add(new Entry(name, bytes, reason, List.of()));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String labels(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
        }
        return sb.toString();
    }

    private static String textLabels(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("l").append(i).append("=\"v\"");
        }
        return sb.toString();
    }

    private static String range(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append(i == 1 ? "" : ",").append(i);
        }
        return sb.toString();
    }

    private static String fractions(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append(i == 1 ? "" : ",").append(i / (double) (n + 1));
        }
        return sb.toString();
    }

    private static byte[] batch(int n, IntFunction<String> item) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(item.apply(i));
        }
        return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }
}
