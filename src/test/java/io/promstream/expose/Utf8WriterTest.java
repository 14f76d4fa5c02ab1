package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8WriterTest {
    @Test
    void writesWhatStringGetBytesWritesAcrossBufferBoundaries() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            text.append("a\u00e9\u20ac\uD83D\uDE00\"\\\n").append(i);
        }
        String s = text.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Utf8Writer writer = new Utf8Writer(out, 64)) { // tiny: every boundary is crossed, surrogates too
            for (int i = 0; i < s.length(); i++) {
                if (i % 3 == 0) {
                    writer.write(s.charAt(i));
                } else {
                    writer.write(s, i, 1);
                }
            }
        }
        assertThat(out.toByteArray()).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUnpairedSurrogateBecomesAQuestionMarkAsInStringGetBytes() throws Exception {
        String s = "x\uD800y\uDC00z\uD83D";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Utf8Writer writer = new Utf8Writer(out, 1024)) {
            writer.write(s);
        }
        assertThat(out.toByteArray()).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }
}
