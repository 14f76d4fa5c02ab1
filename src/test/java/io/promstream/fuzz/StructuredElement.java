package io.promstream.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * Turns fuzzer bytes into a JSON batch that is mostly well-formed, so that the fuzzer spends its time on the
 * store's semantics (types, name collisions, label sets, buckets, quantiles, gauge ops, the series cap) rather
 * than on JSON syntax. Each sample is chosen field by field from small pools that collide with each other and
 * with the harness' seeded families; a pool entry may also be raw bytes from the input, spliced in unescaped.
 * Deterministic: the same bytes always give the same element.
 *
 * <p>An input is handled this way when its first byte is {@link #MARKER} (never the start of JSON); any other
 * input goes to the parser as it is.
 */
final class StructuredElement {
    static final byte MARKER = 0x01;

    // well-formed entries come several times, so that most samples get far enough to reach the store
    private static final String[] TYPES = {
        "counter",
        "gauge",
        "histogram",
        "summary",
        "counter",
        "gauge",
        "histogram",
        "summary",
        "Counter",
        "GAUGE",
        "bogus"
    };
    private static final String[] NAMES = {
        "c",
        "c_total",
        "g",
        "h",
        "h_bucket",
        "h_sum",
        "s",
        "s_count",
        "x",
        "x_total",
        "x_total_total",
        "y",
        "z_total",
        "fuzz_seed",
        "fuzz_seed_total",
        "fuzz_seed_created",
        "prom_stream_gateway_series",
        "1x",
        "",
        "a:b",
        "\\u00e9"
    };
    private static final String[] LABEL_NAMES = {
        "a", "b", "a", "b", "c", "le", "quantile", "__x", "_", "a1", "1a", "\\u00e9", ""
    };
    private static final String[] LABEL_VALUES = {
        "\"x\"",
        "\"y\"",
        "\"x\"",
        "\"z\"",
        "\"\"",
        "1",
        "true",
        "null",
        "{}",
        "[]",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "1.50",
        "-0"
    };
    private static final String[] VALUES = {
        "0",
        "1",
        "1",
        "2.5",
        "0.5",
        "3",
        "-1",
        "-0.0",
        "1e308",
        "1.7e308",
        "1e400",
        "-1e400",
        "1e-400",
        "4.9e-324",
        "123456789012345678901234567890",
        "\"1\"",
        "null",
        "true",
        "[1]"
    };
    private static final String[] BUCKETS = {
        "[1]",
        "[0.1,0.5,1]",
        "[1,2]",
        "[5]",
        "[0.5,1,2.5,10]",
        "[-1,0,1]",
        "[]",
        "[2,1]",
        "[1,1]",
        "[1e400]",
        "[\"1\"]",
        "null",
        "1"
    };
    private static final String[] QUANTILES = {
        "[0.5]", "[0.5,0.9]", "[0.9,0.5]", "[0.5,0.9,0.99]", "[0.99]", "[]", "[0,1]", "[0.5,0.5]", "[1e-9]", "null"
    };
    private static final String[] EPSILONS = {
        "[0.05]", "[0.01,0.01]", "[0.05,0.01,0.001]", "[0.001]", "[]", "[1]", "[0.5,0.5]", "null"
    };
    private static final String[] OPS = {"\"set\"", "\"inc\"", "\"dec\"", "\"INC\"", "\"mul\"", "1", "null"};
    private static final String[] TTLS = {"0", "90", "1.5", "\"5m\"", "\"500ms\"", "\"400d\"", "-1", "\"x\"", "null"};

    private static final String[] TIMESTAMPS = {
        "0", "1", "500", "1000", "2000", "1700000000000", "-1", "1e15", "1e20", "\"x\"", "null"
    };

    private final byte[] in;
    private int pos = 1;

    private StructuredElement(byte[] in) {
        this.in = in;
    }

    static boolean isStructured(byte[] input) {
        return input.length > 0 && input[0] == MARKER;
    }

    static byte[] build(byte[] input) {
        return new StructuredElement(input).element();
    }

    private int next() {
        return pos < in.length ? in[pos++] & 0xff : 0;
    }

    private boolean chance(int outOf) {
        return next() % outOf == 0;
    }

    private String pick(String[] pool) {
        int b = next();
        if (b == 0xff) {
            return raw();
        }
        return pool[b % pool.length];
    }

    /** Up to 16 raw input bytes, as they are: may break the JSON, which is fine too. */
    private String raw() {
        int n = Math.min(next() % 16, in.length - pos);
        String s = new String(in, pos, Math.max(n, 0), StandardCharsets.ISO_8859_1);
        pos += Math.max(n, 0);
        return s;
    }

    private byte[] element() {
        int samples = 1 + next() % 8;
        StringBuilder out = new StringBuilder();
        boolean batch = samples > 1 || chance(2);
        if (batch) {
            out.append('[');
        }
        for (int i = 0; i < samples; i++) {
            if (i > 0) {
                out.append(',');
            }
            sample(out);
        }
        if (batch) {
            out.append(']');
        }
        // ISO-8859-1 keeps raw bytes spliced in by raw() byte for byte
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void sample(StringBuilder out) {
        out.append('{');
        boolean first = true;
        if (!chance(16)) {
            first = field(out, first, "type", '"' + pick(TYPES) + '"');
        }
        if (!chance(16)) {
            first = field(out, first, "name", '"' + pick(NAMES) + '"');
        }
        if (!chance(16)) {
            first = field(out, first, "value", pick(VALUES));
        }
        if (chance(2)) {
            StringBuilder labels = new StringBuilder("{");
            int n = next() % 4;
            for (int i = 0; i < n; i++) {
                labels.append(i == 0 ? "" : ",")
                        .append('"')
                        .append(pick(LABEL_NAMES))
                        .append("\":")
                        .append(pick(LABEL_VALUES));
            }
            first = field(out, first, "labels", labels.append('}').toString());
        }
        if (chance(3)) {
            first = field(out, first, "buckets", pick(BUCKETS));
        }
        if (chance(4)) {
            first = field(out, first, "quantiles", pick(QUANTILES));
            if (chance(2)) {
                first = field(out, first, "epsilons", pick(EPSILONS));
            }
        }
        if (chance(4)) {
            first = field(out, first, "op", pick(OPS));
        }
        if (chance(4)) {
            first = field(out, first, "timestamp", pick(TIMESTAMPS));
        }
        if (chance(6)) {
            first = field(out, first, "ttl", pick(TTLS));
        }
        if (chance(8)) {
            field(out, first, "help", "\"" + pick(NAMES) + "\"");
        }
        out.append('}');
    }

    private static boolean field(StringBuilder out, boolean first, String name, String json) {
        if (!first) {
            out.append(',');
        }
        out.append('"').append(name).append("\":").append(json);
        return false;
    }
}
