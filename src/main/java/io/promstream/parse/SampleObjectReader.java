package io.promstream.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;

/**
 * The fields of one sample object of the wire format (docs/wire-format.md), read from a streaming parser into a
 * {@link Sample}: each field's type and limits are checked as it is read, and the first bad one rejects the sample.
 */
final class SampleObjectReader {
    static final int MAX_BUCKETS = 256;
    static final int MAX_QUANTILES = 32;

    private SampleObjectReader() {}

    /**
     * Reads the object whose {@code START_OBJECT} {@code parser} has just returned, to its {@code END_OBJECT}, into
     * {@code sample}, then validates it unless a field already rejected it.
     */
    static void read(JsonParser parser, Sample sample) throws IOException {
        boolean badOp = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (sample.isRejected()) {
                parser.skipChildren();
                continue;
            }
            switch (field) {
                case "type", "metric_type" -> readType(parser, token, sample);
                case "name" -> readName(parser, token, sample);
                case "value" -> readValue(parser, token, sample);
                case "labels" -> readLabels(parser, token, sample);
                case "help" -> {
                    if (token == JsonToken.VALUE_STRING) {
                        sample.help(parser.getText());
                    } else if (token != JsonToken.VALUE_NULL) {
                        wrongType(parser, sample, "help", "a string");
                    }
                }
                case "buckets" -> readNumbers(parser, token, sample, Field.BUCKETS);
                case "quantiles" -> readNumbers(parser, token, sample, Field.QUANTILES);
                case "epsilons" -> readNumbers(parser, token, sample, Field.EPSILONS);
                case "op" -> {
                    if (token == JsonToken.VALUE_STRING) {
                        GaugeOp op = GaugeOp.fromWire(parser.getText());
                        badOp = op == null;
                        sample.op(op == null ? GaugeOp.SET : op);
                    } else if (token != JsonToken.VALUE_NULL) {
                        wrongType(parser, sample, "op", "a string");
                    }
                }
                case "timestamp" -> readTimestamp(parser, token, sample);
                case "schema" -> NativeJson.readSchema(parser, token, sample);
                case "id" -> {
                    if (token == JsonToken.VALUE_STRING) {
                        sample.id(parser.getText());
                    } else if (token != JsonToken.VALUE_NULL) {
                        wrongType(parser, sample, "id", "a string");
                    }
                }
                case "native" -> NativeJson.readWhole(parser, token, sample);
                case "ttl" -> readTtl(parser, token, sample);
                default -> parser.skipChildren();
            }
        }
        if (!sample.isRejected()) {
            SampleValidator.validate(sample, badOp);
        }
    }

    private static void readType(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            wrongType(parser, sample, "type", "a string");
            return;
        }
        MetricType type =
                MetricType.fromWire(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        if (type == null) {
            sample.reject(RejectReason.UNKNOWN_TYPE, "unknown type \"" + Truncate.text(parser.getText(), 40) + "\"");
        } else {
            sample.type(type);
        }
    }

    /** A number, or the JSON metrics server's {@code {"value": 42.0, "timestamp": null}}. */
    private static void readValue(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        if (isNumber(token)) {
            sample.value(parser.getDoubleValue());
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            wrongType(parser, sample, "value", "a number or {\"value\": number, \"timestamp\": ...}");
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken inner = parser.nextToken();
            if (sample.isRejected()) {
                parser.skipChildren();
            } else if (field.equals("value")) {
                if (isNumber(inner)) {
                    sample.value(parser.getDoubleValue());
                } else {
                    wrongType(parser, sample, "value.value", "a number");
                }
            } else if (field.equals("timestamp")) {
                readTimestamp(parser, inner, sample);
            } else {
                parser.skipChildren();
            }
        }
    }

    private static void readName(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            wrongType(parser, sample, "name", "a string");
            return;
        }
        String name = parser.getText();
        if (!Names.isValidMetricName(name)) { // the rules that need the type are the validator's
            sample.reject(RejectReason.INVALID_NAME, "invalid metric name \"" + Truncate.text(name, 100) + "\"");
        } else {
            sample.name(name);
        }
    }

    private static void readLabels(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            wrongType(parser, sample, "labels", "an object");
            return;
        }
        int nonEmpty = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String labelName = parser.currentName();
            JsonToken valueToken = parser.nextToken();
            if (sample.isRejected()) {
                parser.skipChildren();
                continue;
            }
            if (!Names.isValidLabelName(labelName)) {
                sample.reject(
                        RejectReason.INVALID_LABEL, "invalid label name \"" + Truncate.text(labelName, 100) + "\"");
            }
            switch (valueToken) {
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                    String value = parser.getText();
                    if (!value.isEmpty() && ++nonEmpty > SampleValidator.MAX_LABELS) { // stop reading early
                        sample.reject(
                                RejectReason.INVALID_LABEL, "more than " + SampleValidator.MAX_LABELS + " labels");
                    }
                    sample.label(labelName, value);
                }
                default -> {
                    parser.skipChildren();
                    sample.reject(
                            RejectReason.INVALID_LABEL,
                            "label \"" + Truncate.text(labelName, 100)
                                    + "\" must have a string, number or boolean value");
                }
            }
        }
    }

    private enum Field {
        BUCKETS,
        QUANTILES,
        EPSILONS
    }

    private static void readNumbers(JsonParser parser, JsonToken token, Sample sample, Field field) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        RejectReason reason = field == Field.BUCKETS ? RejectReason.INVALID_BUCKETS : RejectReason.INVALID_QUANTILES;
        String fieldName = field.name().toLowerCase(Locale.ROOT);
        if (token != JsonToken.START_ARRAY) {
            parser.skipChildren();
            sample.reject(reason, fieldName + " must be an array of numbers");
            return;
        }
        int limit = field == Field.BUCKETS ? MAX_BUCKETS : MAX_QUANTILES;
        int count = 0;
        Doubles target = switch (field) {
            case BUCKETS -> sample.buckets();
            case QUANTILES -> sample.quantiles();
            case EPSILONS -> sample.epsilons();
        };
        target.start();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (!isNumber(item)) {
                parser.skipChildren();
                sample.reject(reason, fieldName + " must be an array of numbers");
                continue;
            }
            if (++count > limit) {
                sample.reject(reason, "more than " + limit + " " + fieldName);
                continue;
            }
            target.add(parser.getDoubleValue());
        }
    }

    private static void readTimestamp(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (!isNumber(token)) {
            wrongType(parser, sample, "timestamp", "a number of milliseconds since the epoch");
            return;
        }
        double millis = parser.getDoubleValue();
        if (!(millis >= 0 && millis < 1e15)) {
            sample.reject(RejectReason.INVALID_MESSAGE, "timestamp must be milliseconds since the epoch");
        } else {
            sample.timestamp((long) millis);
        }
    }

    /** Whether {@code token} is a JSON number, integer or not. */
    static boolean isNumber(JsonToken token) {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** {@code ttl}: seconds, or a duration string ({@link SeriesTtl}); {@code null} as absent. */
    static void readTtl(JsonParser parser, JsonToken token, Sample sample) throws IOException {
        try {
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                sample.ttl(SeriesTtl.ofSeconds(parser.getDoubleValue()));
            } else if (token == JsonToken.VALUE_STRING) {
                sample.ttl(SeriesTtl.parse(parser.getText()));
            } else if (token != JsonToken.VALUE_NULL) {
                wrongType(parser, sample, "ttl", "seconds or a duration such as \"5m\"");
            }
        } catch (IllegalArgumentException e) {
            sample.reject(RejectReason.INVALID_MESSAGE, "field \"ttl\": " + e.getMessage());
        }
    }

    static void wrongType(JsonParser parser, Sample sample, String field, String expected) throws IOException {
        parser.skipChildren();
        sample.reject(RejectReason.INVALID_MESSAGE, "field \"" + field + "\" must be " + expected);
    }
}
