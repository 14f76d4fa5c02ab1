package io.promstream.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueuedPushTest {
    private static QueuedPush push(String source, String contentType, Map<String, String> grouping) {
        return new QueuedPush(
                "exposition",
                "id-1",
                source,
                contentType,
                "aggregate",
                true,
                grouping,
                3,
                12,
                "a_total 1\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHeaderIsWhatDatabindWritesOfIt() throws Exception {
        Map<String, String> grouping = new LinkedHashMap<>();
        grouping.put("job", "jöb \"x\"\n\\");
        grouping.put("instance", "");
        for (QueuedPush p : new QueuedPush[] {
            push("http aggregate job x", "text/plain; version=0.0.4", grouping),
            push(null, null, Map.of()),
            push("s\u2028\ud83d\ude00", "", null)
        }) {
            byte[] element = p.encode();
            int length = ((element[5] & 0xff) << 24)
                    | ((element[6] & 0xff) << 16)
                    | ((element[7] & 0xff) << 8)
                    | (element[8] & 0xff);
            byte[] expected = new ObjectMapper()
                    .writeValueAsBytes(new QueuedPush.Header(
                            p.op(),
                            p.id(),
                            p.source(),
                            p.contentType(),
                            p.mode(),
                            p.put(),
                            p.grouping(),
                            p.shard(),
                            p.shards()));
            assertThat(new String(Arrays.copyOfRange(element, 9, 9 + length), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            QueuedPush back = QueuedPush.decode(element);
            assertThat(back.source()).isEqualTo(p.source());
            assertThat(back.contentType()).isEqualTo(p.contentType());
            assertThat(back.grouping()).isEqualTo(p.grouping() == null ? Map.of() : p.grouping());
            assertThat(back.shard()).isEqualTo(3);
            assertThat(back.shards()).isEqualTo(12);
            assertThat(back.body()).isEqualTo(p.body());
        }
    }

    @Test
    void aDamagedOneIsRefused() {
        byte[] element = push("s", "t", Map.of("job", "j")).encode();
        assertThatThrownBy(() -> QueuedPush.decode(Arrays.copyOf(element, 12))).isInstanceOf(IOException.class);
        element[4] = 9;
        assertThatThrownBy(() -> QueuedPush.decode(element))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format 9");
    }
}
