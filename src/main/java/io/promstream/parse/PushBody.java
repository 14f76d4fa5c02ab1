package io.promstream.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A pushed exposition to store samples, all or nothing: the protobuf format when the {@code Content-Type} names
 * it ({@link ProtobufPush}), else the text format 0.0.4 (strict UTF-8, {@link TextFormatParser}), then
 * {@link PushConverter} with the grouping labels and the push mode, every sample validated.
 */
public final class PushBody {
    private PushBody() {}

    /** A text push, aggregated. */
    public static List<Sample> parse(byte[] body, Map<String, String> grouping) throws TextFormatException {
        return parse(body, null, grouping, PushMode.AGGREGATE);
    }

    /**
     * @throws TextFormatException for the first problem, with where it was and its reason; nothing of the push
     *     is usable
     */
    public static List<Sample> parse(byte[] body, String contentType, Map<String, String> grouping, PushMode mode)
            throws TextFormatException {
        if (ProtobufPush.isProtobuf(contentType)) {
            List<TextFamily> families = ProtobufPush.families(body);
            try {
                return PushConverter.convert(families, grouping, mode);
            } catch (TextFormatException e) {
                throw e.asFamily(); // its points carry their family's index, not a line
            }
        }
        return PushConverter.convert(TextFormatParser.parse(text(body)), grouping, mode);
    }

    /** Whether a {@code Content-Type} names the protobuf push format. */
    public static boolean isProtobuf(String contentType) {
        return ProtobufPush.isProtobuf(contentType);
    }

    private static String text(byte[] body) throws TextFormatException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            int bad = Math.max(0, Utf8.firstInvalidIgnoringNul(body));
            int line = 1;
            for (int i = 0; i < bad; i++) {
                line += body[i] == '\n' ? 1 : 0;
            }
            throw new TextFormatException(
                    line, RejectReason.INVALID_MESSAGE, "the body is not valid UTF-8 (byte " + bad + ")");
        }
    }
}
