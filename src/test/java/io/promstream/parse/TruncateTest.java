package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TruncateTest {
    @Test
    void logCopiesAreBoundedAndCannotForgeLines() {
        byte[] payload = "a\nWARN fake line\r\u0000b".getBytes(StandardCharsets.UTF_8);
        assertThat(Truncate.forLog(payload, 0, payload.length, 100)).isEqualTo("a\\nWARN fake line\\r\\u0000b");
        byte[] big = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
        assertThat(Truncate.forLog(big, 0, big.length, 10)).isEqualTo("xxxxxxxxxx...(1000 bytes)");
        assertThat(Truncate.forLog(big, 5, 8, 10)).isEqualTo("xxx");
    }
}
