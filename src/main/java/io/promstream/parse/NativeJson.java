package io.promstream.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The native-histogram fields of a JSON sample (docs/wire-format.md, Native histograms): {@code "schema"}, which
 * observes the sample's {@code value} into native buckets, and {@code "native"}, a whole histogram a sender
 * aggregated itself: {@code {"schema", "zeroThreshold", "zeroCount", "count", "sum", "positive": {"<index>":
 * count, ...}, "negative": {...}}}.
 */
final class NativeJson {
    private NativeJson() {}

    static void readSchema(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
            SampleObjectReader.wrongType(parser, sample, "schema", "an integer from -4 to 8");
            return;
        }
        sample.nativeSchema(parser.getIntValue());
    }

    static void readWhole(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            SampleObjectReader.wrongType(parser, sample, "native", "an object");
            return;
        }
        Integer schema = null;
        double zeroThreshold = NativeHistogram.DEFAULT_ZERO_THRESHOLD;
        long zeroCount = 0;
        long count = -1;
        double sum = 0;
        NativeHistogram buckets = new NativeHistogram(0, 0); // the buckets, read before the schema may be
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken inner = parser.nextToken();
            if (sample.isRejected()) {
                parser.skipChildren();
                continue;
            }
            switch (field) {
                case "schema" -> schema = integer(parser, inner, sample, "native.schema");
                case "zeroThreshold" -> zeroThreshold = number(parser, inner, sample, "native.zeroThreshold");
                case "zeroCount" -> zeroCount = whole(parser, inner, sample, "native.zeroCount");
                case "count" -> count = whole(parser, inner, sample, "native.count");
                case "sum" -> sum = number(parser, inner, sample, "native.sum");
                case "positive" -> buckets(parser, inner, sample, buckets.positive(), "native.positive");
                case "negative" -> buckets(parser, inner, sample, buckets.negative(), "native.negative");
                default -> parser.skipChildren();
            }
        }
        if (sample.isRejected()) {
            return;
        }
        if (schema == null || count < 0) {
            sample.reject(RejectReason.INVALID_MESSAGE, "a native histogram needs \"schema\" and \"count\"");
            return;
        }
        NativeHistogram whole = new NativeHistogram(schema, zeroThreshold).totals(zeroCount, count, sum);
        for (int i = 0; i < buckets.positive().size(); i++) {
            whole.positive().add(buckets.positive().index(i), buckets.positive().count(i));
        }
        for (int i = 0; i < buckets.negative().size(); i++) {
            whole.negative().add(buckets.negative().index(i), buckets.negative().count(i));
        }
        sample.nativeHistogram(whole);
    }

    /** {@code {"<index>": count, ...}}. */
    private static void buckets(JsonParser parser, JsonToken token, Sample sample, NativeBuckets into, String name)
            throws IOException {
        if (token != JsonToken.START_OBJECT) {
            SampleObjectReader.wrongType(parser, sample, name, "an object of bucket index to count");
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken inner = parser.nextToken();
            if (sample.isRejected()) {
                parser.skipChildren(); // to the end of the object, so the sample's other fields are read in place
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(key);
            } catch (NumberFormatException e) {
                SampleObjectReader.wrongType(parser, sample, name, "keyed by integer bucket indexes");
                continue;
            }
            long n = whole(parser, inner, sample, name + "." + key);
            if (!sample.isRejected()) {
                into.add(index, n);
            }
        }
    }

    private static Integer integer(JsonParser parser, JsonToken token, Sample sample, String name) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
            SampleObjectReader.wrongType(parser, sample, name, "an integer");
            return null;
        }
        return parser.getIntValue();
    }

    private static long whole(JsonParser parser, JsonToken token, Sample sample, String name) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || parser.getLongValue() < 0) {
            SampleObjectReader.wrongType(parser, sample, name, "a whole number >= 0");
            return 0;
        }
        return parser.getLongValue();
    }

    private static double number(JsonParser parser, JsonToken token, Sample sample, String name) throws IOException {
        if (!SampleObjectReader.isNumber(token)) {
            SampleObjectReader.wrongType(parser, sample, name, "a number");
            return 0;
        }
        return parser.getDoubleValue();
    }
}
