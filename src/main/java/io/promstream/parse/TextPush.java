package io.promstream.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A pushed text exposition (format 0.0.4) to store samples, all or nothing: strict UTF-8 decoding,
 * {@link TextFormatParser}, then {@link PushConverter} with the grouping labels, every sample validated.
 */
public final class TextPush {
    private TextPush() {
    }

    /** @throws TextFormatException for the first problem, with its line and reason; nothing of the push is usable */
    public static List<Sample> parse(byte[] body, Map<String, String> grouping) throws TextFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            int bad = Math.max(0, Utf8.firstInvalidIgnoringNul(body));
            int line = 1;
            for (int i = 0; i < bad; i++) {
                line += body[i] == '\n' ? 1 : 0;
            }
            throw new TextFormatException(line, RejectReason.INVALID_MESSAGE, "the body is not valid UTF-8 (byte " + bad + ")");
        }
        return PushConverter.convert(TextFormatParser.parse(text), grouping);
    }
}
