package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8Test {
    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "41, -1",
        "c3a9, -1",
        "e282ac, -1",
        "f09f9880, -1",
        "f48fbfbf, -1",
        "ed9fbf, -1",
        "c0af, 0",
        "c1bf, 0",
        "e080af, 0",
        "f0808080, 0",
        "eda080, 0",
        "f4908080, 0",
        "f5808080, 0",
        "ff, 0",
        "80, 0",
        "4100, 1",
        "00, 0",
        "41c3, 1",
        "41e282, 1",
        "41f09f98, 1",
        "c328, 0",
        "e28228, 0",
    })
    void acceptsOnlyWellFormedUtf8(String hex, int firstInvalid) {
        assertThat(Utf8.firstInvalid(hex(hex))).isEqualTo(firstInvalid);
    }

    @ParameterizedTest
    @CsvSource({"plain ascii", "é ü ß", "€ 😀 中文"})
    void agreesWithJavaOnRealText(String text) {
        assertThat(Utf8.firstInvalid(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }
}
