package io.promstream.expose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32CombineTest {
    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    @Test
    void combinesToTheCrcOfTheJoinedBytes() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] bytes = new byte[random.nextInt(70_000)];
            random.nextBytes(bytes);
            int split = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int combined = Crc32Combine.combine(
                    crc(bytes, 0, split), crc(bytes, split, bytes.length - split), bytes.length - split);
            assertThat(combined)
                    .as("length %d split at %d", bytes.length, split)
                    .isEqualTo(crc(bytes, 0, bytes.length));
        }
    }

    @Test
    void anEmptyRunChangesNothing() {
        assertThat(Crc32Combine.combine(0x12345678, 0, 0)).isEqualTo(0x12345678);
        assertThat(Crc32Combine.combine(0, 0xcafebabe, 5)).isEqualTo(0xcafebabe);
    }
}
