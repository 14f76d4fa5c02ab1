package io.promstream.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs src/test/go/nativepusher: the real Go client (client_golang 1.14's push package) pushing ONE native
 * histogram ({@code prometheus.NewHistogram} with a {@code NativeHistogramBucketFactor}) that observed a
 * deterministic list of values, in the delimited protobuf format; see the comment at the top of its main.go for
 * every flag and the exact request. It prints what it pushed, which {@link #parse} reads into a {@link Pushed}.
 *
 * <p>The binary is built once per JVM, on first use, by {@code scripts/build-go-pusher.sh OUT nativepusher}
 * (offline, GOPATH mode, Debian's golang-go and golang-github-prometheus-client-golang-dev) into
 * target/go-pusher/nativepusher; concurrent first callers wait for that one build. Environment variable
 * {@code GO_NATIVE_PUSHER} names a prebuilt binary to use instead.
 */
public final class GoNativePusher {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final GoProgram PROGRAM = new GoProgram("nativepusher", "GO_NATIVE_PUSHER");

    private GoNativePusher() {}

    /** A bucket span of a native histogram: {@code offset} from the previous span's end (or from 0), length. */
    public record Span(int offset, int length) {}

    /**
     * What the pusher printed: the histogram exactly as it was pushed ({@code pushed} is PUT, POST or dry-run),
     * and the run itself. {@code classicBuckets} maps each classic upper bound to its cumulative count, in order
     * (empty without classic buckets; +Inf is implicit).
     */
    public record Pushed(
            String name,
            long count,
            double sum,
            int schema,
            double zeroThreshold,
            long zeroCount,
            List<Span> positiveSpans,
            List<Long> positiveDeltas,
            List<Span> negativeSpans,
            List<Long> negativeDeltas,
            Map<Double, Long> classicBuckets,
            String pushed,
            ExternalProcess.Result result) {

        /** The positive buckets' absolute counts, by bucket index (decoded from spans and deltas). */
        public Map<Integer, Long> positiveBuckets() {
            return buckets(positiveSpans, positiveDeltas);
        }

        /** The negative buckets' absolute counts, by bucket index (index i holds [-upper(i), -lower(i))). */
        public Map<Integer, Long> negativeBuckets() {
            return buckets(negativeSpans, negativeDeltas);
        }
    }

    /** Absolute counts by bucket index from spans and delta-encoded counts (the protobuf encoding). */
    public static Map<Integer, Long> buckets(List<Span> spans, List<Long> deltas) {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        int index = 0;
        int next = 0;
        long count = 0;
        for (Span span : spans) {
            index += span.offset();
            for (int i = 0; i < span.length(); i++) {
                count += deltas.get(next++);
                counts.put(index++, count);
            }
        }
        if (next != deltas.size()) {
            throw new AssertionError("spans " + spans + " do not cover the " + deltas.size() + " deltas");
        }
        return counts;
    }

    /** The pusher binary, built on the first call in this JVM (a failed build is rethrown to every later caller). */
    public static Path binary() {
        return PROGRAM.binary();
    }

    /** Runs the pusher with these flags, 30 s at most, whatever its exit code. */
    public static ExternalProcess.Result run(String... args) {
        return run(RUN_TIMEOUT, List.of(args));
    }

    public static ExternalProcess.Result run(Duration timeout, List<String> args) {
        return PROGRAM.run(timeout, args);
    }

    /**
     * Runs the pusher with these flags (e.g. {@code "-url", url, "-job", "j", "-factor", "2", "-values",
     * "1,2,3"}); fails unless it exits 0, and returns what it printed.
     */
    public static Pushed push(String... args) {
        return parse(run(args).assertOk());
    }

    /**
     * Pushes (PUT) a histogram with bucket factor {@code factor} that observed {@code values} in this order, to
     * {@code url} for {@code job} with grouping pairs {@code name=value}.
     */
    public static Pushed push(String url, String job, double factor, double[] values, String... grouping) {
        List<String> args = new ArrayList<>(
                List.of("-url", url, "-job", job, "-factor", Double.toString(factor), "-values", joined(values)));
        for (String pair : grouping) {
            args.add("-grouping");
            args.add(pair);
        }
        return parse(run(RUN_TIMEOUT, args).assertOk());
    }

    /** The values as -values takes them (Java's shortest round-tripping representation: Go parses it exactly). */
    public static String joined(double... values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            if (!s.isEmpty()) {
                s.append(',');
            }
            s.append(Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v));
        }
        return s.toString();
    }

    /**
     * The generator of {@code -observe n -seed seed -scale scale} (splitmix64), bit for bit: the values the
     * pusher observes, in order.
     */
    public static double[] generate(int n, long seed, double scale) {
        double[] values = new double[n];
        long state = seed;
        for (int i = 0; i < n; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            values[i] = (z >>> 11) * 0x1.0p-53 * scale;
        }
        return values;
    }

    /** The float sum of {@code values} in order, as client_golang accumulates it. */
    public static double sum(double... values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum;
    }

    /** Reads the key=value lines the pusher printed (see main.go); fails when one is missing. */
    public static Pushed parse(ExternalProcess.Result result) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : result.output().split("\n", -1)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        try {
            Map<Double, Long> classic = new LinkedHashMap<>();
            for (String bucket : list(field(fields, "classic_buckets"))) {
                int colon = bucket.lastIndexOf(':');
                classic.put(goFloat(bucket.substring(0, colon)), Long.parseLong(bucket.substring(colon + 1)));
            }
            return new Pushed(
                    field(fields, "name"),
                    Long.parseLong(field(fields, "count")),
                    goFloat(field(fields, "sum")),
                    Integer.parseInt(field(fields, "schema")),
                    goFloat(field(fields, "zero_threshold")),
                    Long.parseLong(field(fields, "zero_count")),
                    spans(field(fields, "positive_spans")),
                    longs(field(fields, "positive_deltas")),
                    spans(field(fields, "negative_spans")),
                    longs(field(fields, "negative_deltas")),
                    classic,
                    field(fields, "pushed"),
                    result);
        } catch (RuntimeException e) {
            throw new AssertionError("cannot read the native pusher's output: " + result, e);
        }
    }

    private static String field(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key + "= line");
        }
        return value;
    }

    private static List<String> list(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(","));
    }

    private static List<Span> spans(String s) {
        List<Span> spans = new ArrayList<>();
        for (String span : list(s)) {
            int colon = span.indexOf(':');
            spans.add(
                    new Span(Integer.parseInt(span.substring(0, colon)), Integer.parseInt(span.substring(colon + 1))));
        }
        return spans;
    }

    private static List<Long> longs(String s) {
        return list(s).stream().map(Long::parseLong).toList();
    }

    /** Go's strconv.FormatFloat(f, 'g', -1, 64): NaN, +Inf, -Inf or a decimal Java parses exactly. */
    private static double goFloat(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
