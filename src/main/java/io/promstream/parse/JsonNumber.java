package io.promstream.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** A JSON number's bytes read as {@link SampleParser} reads a {@code "value"}: one grammar, Jackson's. */
final class JsonNumber {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonNumber() {}

    /**
     * The number {@code b[start..end)} holds, or NaN when it is not one JSON number. A short integer, what
     * counters mostly carry, is read here (a double holds it exactly); anything else by Jackson.
     */
    static double parse(byte[] b, int start, int end) {
        int i = start;
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        int digits = end - i;
        if (digits >= 1 && digits <= 15 && (b[i] != '0' || digits == 1)) {
            long n = 0;
            for (; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
                n = n * 10 + (b[i] - '0');
            }
            if (i == end) {
                return (double) (negative ? -n : n); // "-0" is the integer 0, as Jackson reads it
            }
        }
        return parseByJackson(b, start, end);
    }

    /** Any other number, apart from the short integers: kept out of {@link #parse} so that it stays small. */
    private static double parseByJackson(byte[] b, int start, int end) {
        try (JsonParser parser = JSON.createParser(b, start, end - start)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                return Double.NaN;
            }
            double value = parser.getDoubleValue();
            return parser.nextToken() == null ? value : Double.NaN;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
