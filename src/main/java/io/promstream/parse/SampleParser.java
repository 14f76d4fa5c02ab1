package io.promstream.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns one wire element (docs/wire-format.md: a JSON object, an array of them, or a wrapper) into samples, each valid or carrying
 * its rejection reason; each object's fields are read by {@link SampleObjectReader}. Streaming and allocation-light;
 * never throws on bad input. Not thread-safe only in the sense that the {@link SampleBatch} it fills belongs to one
 * caller; the parser itself is stateless.
 */
public final class SampleParser {
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(32)
            .maxNumberLength(400)
            .build();
    private static final JsonFactory SHARED = JsonFactory.builder()
            .streamReadConstraints(LIMITS)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private final int maxMessageBytes;
    private final JsonFactory json;

    /** A parser any thread may use. */
    public SampleParser(int maxMessageBytes) {
        this(maxMessageBytes, SHARED);
    }

    private SampleParser(int maxMessageBytes, JsonFactory json) {
        this.maxMessageBytes = maxMessageBytes;
        this.json = json;
    }

    /**
     * A parser for one thread only (a queue worker's): its Jackson factory keeps that thread's buffers itself
     * ({@link OwnedRecyclerPool}) instead of looking them up per element.
     */
    public SampleParser forOneThread() {
        return new SampleParser(
                maxMessageBytes,
                JsonFactory.builder()
                        .streamReadConstraints(LIMITS)
                        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                        .recyclerPool(new OwnedRecyclerPool())
                        .build());
    }

    /**
     * Parses a queue element into {@code out}, replacing what {@code out} held: a sample, a batch, or the JSON metrics
     * server's wrapper {@code {"metrics": [...], "source": "..."}}, whose samples are judged as a batch's. The
     * element is bounded whole, so its samples need no size check of their own.
     *
     * @return the wrapper's {@code source}, or {@code null}
     */
    public String parse(byte[] element, SampleBatch out) {
        out.reset();
        if (element.length > maxMessageBytes) {
            out.rejectElement(
                    RejectReason.TOO_LARGE,
                    "element is " + element.length + " bytes, over the limit of " + maxMessageBytes);
            return null;
        }
        return parseValue(element, out, mayBeWrapper(element) && isWrapper(element));
    }

    private static final byte[] METRICS = "metrics".getBytes(StandardCharsets.US_ASCII);

    /**
     * Whether an element could be a wrapper, on its bytes alone, so that a plain sample is not read twice: a field
     * named {@code metrics} is either those bytes or written with an escape.
     */
    private static boolean mayBeWrapper(byte[] element) {
        int n = element.length - METRICS.length;
        for (int i = 0; i < element.length; i++) {
            byte b = element[i];
            if (b == '\\') {
                return true;
            }
            if (b == 'm' && i <= n && Arrays.equals(element, i, i + METRICS.length, METRICS, 0, METRICS.length)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses an HTTP body: like an element, or a wrapper {@code {"metrics": [...], "source": "..."}}. The
     * body's size was bounded by the caller.
     *
     * @return the wrapper's {@code source}, or {@code null}
     */
    public String parseBody(byte[] body, SampleBatch out) {
        out.reset();
        String source = parseValue(body, out, isWrapper(body));
        for (int i = 0; i < out.size(); i++) { // a queue element is bounded whole; a body only per sample
            Sample sample = out.get(i);
            if (!sample.isRejected()) {
                SampleValidator.checkSize(sample, maxMessageBytes);
            }
        }
        return source;
    }

    /** The largest queue element, and the largest sample's text on every path. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    private boolean isWrapper(byte[] body) {
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (parser.nextToken() == JsonToken.START_ARRAY && field.equals("metrics")) {
                    return true;
                }
                parser.skipChildren();
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // the real parse reports it
        }
    }

    /**
     * Where the number of an element's one top-level {@code "value"} field lies, as {@code start << 32 | end}
     * (byte offsets, end exclusive), or -1 when the element is not one sample object with exactly one such field
     * holding a plain number (a wrapper, whose {@code "metrics"} holds an array, is not: its samples are inside).
     * Lets a caller that knows an element's other bytes put a new value in their place.
     */
    public long valueSpan(byte[] element) {
        long span = -1;
        try (JsonParser parser = json.createParser(element)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                boolean value = field.equals("value");
                JsonToken token = parser.nextToken();
                if (token == JsonToken.START_ARRAY && field.equals("metrics")) {
                    return -1; // a wrapper, as isWrapper says
                }
                if (value) {
                    if (span != -1 || !SampleObjectReader.isNumber(token)) {
                        return -1;
                    }
                    span = parser.currentTokenLocation().getByteOffset() << 32
                            | parser.currentLocation().getByteOffset();
                } else {
                    parser.skipChildren();
                }
            }
            return parser.nextToken() == null ? span : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private String parseValue(byte[] bytes, SampleBatch out, boolean wrapper) {
        int invalid = Utf8.firstInvalid(bytes);
        if (invalid >= 0) {
            out.rejectElement(RejectReason.INVALID_JSON, "not UTF-8 (invalid or NUL byte at offset " + invalid + ")");
            return null;
        }
        String source = null;
        Sample ttl = null; // the envelope's ttl, read as a sample's
        try (JsonParser parser = json.createParser(bytes)) {
            JsonToken token = parser.nextToken();
            if (wrapper) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (field.equals("metrics") && value == JsonToken.START_ARRAY) {
                        parseArray(parser, out);
                    } else if (field.equals("source") && value == JsonToken.VALUE_STRING) {
                        source = Names.sanitize(parser.getText()); // only logged and dead-lettered
                    } else if (field.equals("id") && value == JsonToken.VALUE_STRING) {
                        out.elementId(parser.getText());
                    } else if (field.equals("ttl")) {
                        ttl = new Sample();
                        SampleObjectReader.readTtl(parser, value, ttl);
                    } else {
                        parser.skipChildren();
                    }
                }
            } else if (token == JsonToken.START_OBJECT) {
                Sample sample = out.add();
                SampleObjectReader.read(parser, sample);
                out.span(0, bytes.length);
            } else if (token == JsonToken.START_ARRAY) {
                parseArray(parser, out);
            } else if (token == null) {
                out.rejectElement(RejectReason.INVALID_JSON, "empty element");
                return null;
            } else {
                out.rejectElement(RejectReason.INVALID_MESSAGE, "element must be a JSON object or an array of objects");
                return null;
            }
            if (parser.nextToken() != null) {
                out.rejectElement(RejectReason.INVALID_JSON, "unexpected content after the JSON value");
            }
            if (ttl != null) {
                out.ttl(ttl);
            }
        } catch (JsonProcessingException e) {
            out.rejectElement(RejectReason.INVALID_JSON, e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            out.rejectElement(RejectReason.INVALID_JSON, String.valueOf(e.getMessage()));
        }
        return source;
    }

    private static void parseArray(JsonParser parser, SampleBatch out) throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            Sample sample = out.add();
            int start = (int) parser.currentTokenLocation().getByteOffset();
            if (token == JsonToken.START_OBJECT) {
                SampleObjectReader.read(parser, sample);
            } else {
                sample.reject(RejectReason.INVALID_MESSAGE, "batch item must be a JSON object");
                parser.skipChildren();
            }
            out.span(start, (int) parser.currentLocation().getByteOffset());
        }
    }
}
