package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
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

    @Test
    void writesAnEscapedValueAsEscapingThenEncodingItWouldAcrossBufferBoundaries() throws Exception {
        Random random = new Random(7);
        String alphabet = "ab\\\"\n\u00e9\u20ac\uD83D\uDE00\uD800z";
        for (int round = 0; round < 200; round++) {
            StringBuilder value = new StringBuilder();
            for (int i = random.nextInt(300); i > 0; i--) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String expected = "x"
                    + value.toString()
                            .replace("\\", "\\\\")
                            .replace("\"", "\\\"")
                            .replace("\n", "\\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Utf8Writer writer = new Utf8Writer(out, 64 + random.nextInt(40))) {
                writer.write("x");
                writer.writeEscaped(value.toString());
            }
            assertThat(out.toByteArray()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void writesALongAsLongToStringDoes() throws Exception {
        long[] values = {
            0,
            1,
            9,
            10,
            99,
            100,
            999_999_999,
            1_000_000_000,
            Integer.MAX_VALUE - 1L,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE + 1L,
            -1,
            -10,
            Integer.MIN_VALUE,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            Long.MIN_VALUE + 1
        };
        StringBuilder expected = new StringBuilder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Utf8Writer writer = new Utf8Writer(out, 64)) {
            for (int round = 0; round < 20; round++) {
                for (long v : values) {
                    writer.writeLong(v);
                    writer.write(' ');
                    expected.append(v).append(' ');
                }
            }
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }

    @Test
    void writesEncodedBytesAsTheyAreAndCountsEveryByteWritten() throws Exception {
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            Utf8Writer writer = new Utf8Writer(out, 64 + random.nextInt(40));
            for (int i = 0; i < 20; i++) {
                byte[] bytes = ("é" + "x".repeat(random.nextInt(150))).getBytes(StandardCharsets.UTF_8);
                if (random.nextBoolean()) {
                    writer.write("a\"b");
                    expected.writeBytes("a\"b".getBytes(StandardCharsets.UTF_8));
                }
                writer.writeUtf8(bytes, 0, bytes.length); // some longer than the buffer
                expected.writeBytes(bytes);
                assertThat(writer.position()).isEqualTo(expected.size());
            }
            writer.flush();
            assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
        }
    }
}
