package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The routing function against values computed independently (Python's zlib.crc32 on the same bytes). */
class RoutingTest {
    @Test
    void matchesZlibCrc32OfNameAndSortedLabels() {
        // python3 -c "import zlib; print(zlib.crc32(b'http_requests_total\nmethod=GET\nstatus=200') % 12)"
        assertThat(Routing.shardOf(
                        "http_requests_total", new String[] {"method", "status"}, new String[] {"GET", "200"}, 2, 12))
                .isEqualTo((int) (1419394156L % 12))
                .isEqualTo(4);
    }

    @Test
    void encodesNonAsciiAsUtf8IncludingSupplementaryCharacters() {
        // zlib.crc32('café\nk=€😀'.encode()) == 387652274
        assertThat(Routing.shardOf("caf\u00e9", new String[] {"k"}, new String[] {"\u20ac\uD83D\uDE00"}, 1, 7))
                .isEqualTo((int) (387652274L % 7));
    }

    @Test
    void skipsLabelsWithAnEmptyValue() {
        int without = Routing.shardOf("m", new String[] {"a"}, new String[] {"x"}, 1, 16);
        int withEmpty = Routing.shardOf("m", new String[] {"a", "b"}, new String[] {"x", ""}, 2, 16);
        assertThat(withEmpty).isEqualTo(without);
    }

    @Test
    void oneShardIsAlwaysShardZero() {
        assertThat(Routing.shardOf("anything", new String[0], new String[0], 0, 1))
                .isZero();
    }

    @Test
    void longNamesAndValuesSpanTheBufferAndStillMatchTheWholeCrc() {
        String value = "v".repeat(2000) + "\u00e9".repeat(300);
        CRC32 crc = new CRC32();
        crc.update(("n\nl=" + value).getBytes(StandardCharsets.UTF_8));
        assertThat(Routing.shardOf("n", new String[] {"l"}, new String[] {value}, 1, 1000))
                .isEqualTo((int) (crc.getValue() % 1000));
    }

    @Test
    void aGroupIsRoutedByItsGroupingKeyInNameOrder() {
        // zlib.crc32(b'\njob=batch') == 2932518372
        assertThat(Routing.shardOfGroup(Map.of("job", "batch"), 5)).isEqualTo((int) (2932518372L % 5));
        assertThat(Routing.shardOfGroup(Map.of("job", "a", "instance", "b"), 97))
                .isEqualTo(Routing.shardOf("", new String[] {"instance", "job"}, new String[] {"b", "a"}, 2, 97));
    }

    @Test
    void spreadsSeriesOverEveryShard() {
        int[] counts = new int[12];
        for (int i = 0; i < 12_000; i++) {
            counts[Routing.shardOf("requests_total", new String[] {"path"}, new String[] {"/p" + i}, 1, 12)]++;
        }
        assertThat(Arrays.stream(counts).boxed()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
    }
}
