package io.promstream.parse.otlp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The bodies of OTLP/HTTP metrics exports and their answers, by the proto's generated messages: an export's body read
 * as binary protobuf, or as the JSON encoding of the
 * OTLP specification (protobuf's JSON mapping: field names in lowerCamelCase or as in the proto, enums as numbers,
 * 64-bit integers as strings or numbers; fields it does not know are ignored, as the specification asks).
 */
public final class OtlpCodec {
    /** The body's encodings, by content type. */
    public enum Encoding {
        PROTOBUF("application/x-protobuf"),
        JSON("application/json");

        private final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        /** The encoding a {@code Content-Type} names (parameters ignored); {@code null} for another. */
        public static Encoding of(String contentType) {
            if (contentType == null) {
                return null;
            }
            int semicolon = contentType.indexOf(';');
            String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
            for (Encoding e : values()) {
                if (e.contentType.equalsIgnoreCase(bare)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** A body that is not an export in its encoding. */
    public static final class Undecodable extends Exception {
        private static final long serialVersionUID = 1L;

        Undecodable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private OtlpCodec() {}

    public static ExportMetricsServiceRequest decode(byte[] body, Encoding encoding) throws Undecodable {
        try {
            if (encoding == Encoding.PROTOBUF) {
                return ExportMetricsServiceRequest.parseFrom(body);
            }
            ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
            JSON.merge(new String(body, StandardCharsets.UTF_8), builder);
            return builder.build();
        } catch (InvalidProtocolBufferException e) {
            throw new Undecodable("not an OTLP metrics export in " + encoding.contentType() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) { // JsonFormat reports some malformed JSON this way (gson's exceptions)
            throw new Undecodable("not an OTLP metrics export in " + encoding.contentType() + ": " + e, e);
        }
    }

    /**
     * The answer to an export: empty when every point was taken, else its {@code partial_success} with how many
     * points were refused and why.
     */
    public static byte[] response(long rejectedPoints, String errorMessage, Encoding encoding) {
        ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
        if (rejectedPoints > 0 || !errorMessage.isEmpty()) {
            response.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(rejectedPoints)
                    .setErrorMessage(errorMessage));
        }
        return encode(response.build(), encoding);
    }

    /**
     * A {@code google.rpc.Status} (its {@code code} and {@code message}, fields 1 and 2), the body of an error
     * answer; written with protobuf's own encoder, since the OTLP proto does not carry that message.
     */
    public static byte[] status(int code, String message, Encoding encoding) {
        if (encoding == Encoding.JSON) {
            StringBuilder json = new StringBuilder("{\"code\":").append(code).append(",\"message\":\"");
            for (int i = 0; i < message.length(); i++) {
                char c = message.charAt(i);
                if (c == '"' || c == '\\') {
                    json.append('\\').append(c);
                } else if (c < 0x20) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            return json.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeInt32(1, code);
            out.writeString(2, message);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encode(ExportMetricsServiceResponse response, Encoding encoding) {
        if (encoding == Encoding.PROTOBUF) {
            return response.toByteArray();
        }
        try {
            return PRINTER.print(response).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a response always prints", e);
        }
    }
}
