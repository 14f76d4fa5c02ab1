package io.promstream.parse;

import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Which shard a series belongs to (docs/wire-format.md, "Shards"): the CRC-32 (IEEE) of the UTF-8 bytes of the
 * metric name followed, for each label in ascending order of label names, by {@code "\n" + name + "=" + value},
 * modulo the shard count. Labels with an empty value are not labels (Prometheus treats them as absent) and are
 * left out, as the canonical label set leaves them out. Senders compute the same function (PHP {@code crc32},
 * Python {@code zlib.crc32}, Node {@code zlib.crc32}); the example senders carry it.
 *
 * <p>Label names are ASCII by the naming rules, so ascending byte order is {@link String#compareTo} order, the
 * order {@link Sample#canonicalizeLabels()} leaves labels in.
 */
public final class Routing {
    private static final ThreadLocal<Encoder> ENCODERS = ThreadLocal.withInitial(Encoder::new);

    private Routing() {}

    /** The shard of a canonical sample (labels sorted, empty values dropped); 0 when there is one shard. */
    public static int shardOf(Sample sample, int shards) {
        if (shards <= 1) {
            return 0;
        }
        return shardOf(sample.name(), sample.labels().names(), sample.labels().values(), sample.labelCount(), shards);
    }

    /**
     * The shard of a series whose {@code count} labels are sorted by name; labels with an empty value are
     * skipped.
     */
    public static int shardOf(String name, String[] labelNames, String[] labelValues, int count, int shards) {
        if (shards <= 1) {
            return 0;
        }
        Encoder encoder = ENCODERS.get();
        encoder.start();
        encoder.add(name);
        for (int i = 0; i < count; i++) {
            if (labelValues[i] == null || labelValues[i].isEmpty()) {
                continue;
            }
            encoder.add('\n');
            encoder.add(labelNames[i]);
            encoder.add('=');
            encoder.add(labelValues[i]);
        }
        return (int) (encoder.finish() % shards);
    }

    /** The shard of a Pushgateway-style group: its grouping key routed as a series named {@code ""}. */
    public static int shardOfGroup(Map<String, String> grouping, int shards) {
        if (shards <= 1) {
            return 0;
        }
        TreeMap<String, String> sorted = new TreeMap<>(grouping);
        return shardOf(
                "",
                sorted.keySet().toArray(String[]::new),
                sorted.values().toArray(String[]::new),
                sorted.size(),
                shards);
    }

    /** CRC-32 over UTF-8 without building byte arrays: characters are encoded into a reused buffer. */
    private static final class Encoder {
        private final CRC32 crc = new CRC32();
        private final byte[] buffer = new byte[512];
        private int length;

        void start() {
            crc.reset();
            length = 0;
        }

        void add(char c) {
            room(1);
            buffer[length++] = (byte) c;
        }

        void add(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    room(1);
                    buffer[length++] = (byte) c;
                } else if (c < 0x800) {
                    room(2);
                    buffer[length++] = (byte) (0xC0 | (c >> 6));
                    buffer[length++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    room(4);
                    buffer[length++] = (byte) (0xF0 | (cp >> 18));
                    buffer[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buffer[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buffer[length++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    // valid samples hold no unpaired surrogate; encode one as '?' as String.getBytes would
                    if (Character.isSurrogate(c)) {
                        c = '?';
                        room(1);
                        buffer[length++] = (byte) c;
                        continue;
                    }
                    room(3);
                    buffer[length++] = (byte) (0xE0 | (c >> 12));
                    buffer[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buffer[length++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }

        private void room(int n) {
            if (length + n > buffer.length) {
                crc.update(buffer, 0, length);
                length = 0;
            }
        }

        long finish() {
            crc.update(buffer, 0, length);
            return crc.getValue();
        }
    }
}
